/**
 * A small typed client for the terminal agent's loopback API, for HIS developers (Node ≥ 20):
 * `fetch` for HTTP, `ws` for the events WebSocket. The guide is docs/his-integration.md; the test
 * apps/terminal-agent/test/docs-examples.test.ts runs this file against a running agent with
 * simulated cards, so the guide and the client cannot drift from the agent.
 */
import WebSocket from "ws";

export type Scope = "read-basic" | "read-clinical" | "write" | "settle";
export type CardSection = "identity" | "contacts" | "addresses" | "photo" | "clinical" | "visits";
export type ReadPurpose = "registration" | "visit" | "settlement" | "other";
export type ReaderRole = "resident" | "sam" | "staff";

/** RFC 9457 problem details, as the agent sends every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** Stable code (`NO_CARD`, `HOTLISTED`, …): branch on this. */
  code: string;
  /** Retrying the same request (maybe after the desk user acts) can succeed. */
  retriable: boolean;
  /** What to tell the desk user, in Chinese and English. */
  message: { zh: string; en: string };
  detail?: string;
  /** The card's status word, when a card answered. */
  sw?: string;
  data?: Record<string, unknown>;
  instance?: string;
}

/** Any failure of a call: the agent's problem details, or AGENT_UNAVAILABLE when it cannot be reached. */
export class AgentProblem extends Error {
  readonly problem: Problem;
  /** From `Retry-After` (RATE_LIMITED). */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(`${problem.code}: ${problem.message.en}`);
    this.name = "AgentProblem";
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  get code(): string {
    return this.problem.code;
  }

  get retriable(): boolean {
    return this.problem.retriable;
  }
}

/** The agent is not running (or not on this port): the product's AGENT_UNAVAILABLE text. */
function agentUnavailable(url: string, cause: unknown): AgentProblem {
  const problem: Problem = {
    type: "urn:rhc:error:AGENT_UNAVAILABLE",
    title: "AGENT_UNAVAILABLE",
    status: 503,
    code: "AGENT_UNAVAILABLE",
    retriable: true,
    message: {
      zh: "无法连接终端代理服务：请确认服务已启动（systemctl status rhc-agent）。",
      en: "The terminal agent service cannot be reached: check that it is running (systemctl status rhc-agent).",
    },
    detail: `${url}: ${cause instanceof Error ? (cause.cause ?? cause).toString() : String(cause)}`,
  };
  return new AgentProblem(problem);
}

// ---- answers ----------------------------------------------------------------------------------

export interface PairingRequest {
  /** Keep private: it collects the token. */
  requestId: string;
  /** Show this to the desk user; the operator approves it with `rhc-agent pair approve <code>`. */
  code: string;
  state: "pending";
  expiresAt: string;
}

export interface Pairing {
  state: "approved";
  clientId: string;
  scopes: Scope[];
  /** Shown once: store it like a password. */
  token: string;
  expiresAt: string;
}

export interface AgentStatus {
  terminalId: string;
  version: string;
  uptimeSeconds: number;
  pcsc: "starting" | "up" | "down";
  roles: Record<string, { reader: string | null; cardPresent: boolean; usable: boolean }>;
}

export interface DeskReader {
  name: string;
  role: ReaderRole | null;
  present: boolean;
  atr: string | null;
  kind: ReaderRole | "unknown" | null;
  virtual: boolean;
  refused: boolean;
  mute: boolean;
}

export interface Readers {
  pcsc: "starting" | "up" | "down";
  error: { code: string; detail?: string } | null;
  readers: DeskReader[];
  missingRoles: ReaderRole[];
}

export interface CheckResult {
  status: "passed" | "failed" | "skipped" | "error";
  reasons: string[];
}

/** Card data elements by key (the card data dictionary): text, or numbers for numeric codes. */
export type Elements = Record<string, string | number>;

export interface CardSections {
  identity?: {
    issuer: Elements;
    holder: { name: string; sex: number; ethnicity: string; birthDate: string; citizenId: string };
    contact: Elements;
  };
  contacts?: Elements;
  addresses?: Elements;
  photo?: { contentType: "image/jpeg"; base64: string } | null;
  clinical?: {
    medical: Elements;
    special: Elements;
    allergies: Array<{ substance: string; reaction: string }>;
    immunisations: Array<{ vaccine: string; date: string }>;
  };
  visits?: Array<{
    kind: "outpatient" | "inpatient";
    slot: number;
    record: Record<string, unknown>;
    signature: "valid" | "invalid" | "unsigned" | "not-checked";
  }>;
}

export interface CardRead {
  /** 卡号: the holder's ID number. */
  cardNo: string;
  /** 发卡序列号: which physical card (a replacement keeps the card number). */
  cardSerial: string | null;
  authenticity: {
    genuine: boolean;
    checks: { internalAuthentication: CheckResult; issuerCertificate: CheckResult };
  };
  hotlist: { listed: false; stale: boolean; listVersion: number | null; ageMs: number | null };
  warnings: string[];
  sections: CardSections;
  /** The card.read event committed to the outbox before this answer. */
  event: { eventId: string; seq: number };
}

export interface ClinicianSession {
  sessionId: string;
  staffId: string;
  subject: string;
  certSerial: string;
  startedAt: string;
  expiresAt: string;
  /** False: admitted under a fail-open policy without a usable CRL. */
  revocationChecked: boolean;
}

export interface ClinicianLogin {
  /** Send as `X-Clinician-Session` on writes; shown once. */
  token: string;
  session: ClinicianSession;
  warnings: Array<{ code: string; message: string }>;
}

export interface WriteOutcome {
  cardNo: string;
  recordType: string;
  slot?: number;
  replaced?: boolean;
  event: { eventId: string; seq: number };
  clinician: { staffId: string };
}

/** Amounts are integer fen (0.01 CNY). */
export interface SettlementInput {
  orgId: string;
  psnNo: string;
  certType: "01" | "02" | "03";
  certNo: string;
  medType: string;
  insutype: string;
  clrType: "11" | "21" | "41";
  chrgBatchNo: string;
  feeTotal: number;
  items: Array<{ code: string; name: string; amount: number }>;
}

export interface SetlInfo {
  feeTotal: number;
  fundPay: number;
  acctPay: number;
  cashPay: number;
}

export interface Quote {
  quoteId: string;
  setlinfo: SetlInfo;
  expiresAt: string;
  serverTime: string;
}

export interface Settlement {
  txnSerial: string;
  state: "PENDING" | "UNKNOWN" | "SETTLED" | "FAILED" | "REVERSED" | "CANCELLED";
  setlId: string | null;
  setlinfo: SetlInfo | null;
  reversalState: "prepared" | "disarmed" | "requested" | "done";
  lastError: string | null;
  settledDate: string | null;
}

export interface SyncError {
  code: string;
  detail: string;
  at: number;
}

export interface SyncStatus {
  platformConfigured: boolean;
  terminalId: string;
  /** Events committed here and not yet acknowledged by the platform. */
  queueDepth: number;
  oldestPendingAgeMs: number | null;
  lastSeq: number;
  ackedThroughSeq: number;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: SyncError | null;
  lastDownlinkError: SyncError | null;
  deadLetters: number;
  listVersions: { hotlist: number | null; hotlistAgeMs: number | null; crl: Record<string, string> };
  clock: Record<string, unknown> | null;
  alerts: Array<Record<string, unknown>>;
}

export interface Diagnostics {
  generatedAt: string;
  sections: Record<string, { ok: boolean; data?: Record<string, unknown>; error?: { code: string; detail?: string } }>;
}

export type AgentEventType =
  | "hello"
  | "reader.added"
  | "reader.removed"
  | "card.inserted"
  | "card.mute"
  | "card.removed"
  | "pcsc.down"
  | "pcsc.up"
  | "card.read"
  | "card.written"
  | "clinician.login"
  | "clinician.logout";

export interface AgentEvent {
  /** Per agent run; `hello` is 0. A gap between two events means some were missed. */
  seq: number;
  type: AgentEventType;
  at: string;
  data: Record<string, unknown>;
}

export interface EventStream {
  /** The first message (the client id and the current readers); rejects when the upgrade is refused. */
  hello: Promise<AgentEvent>;
  /** Resolves when the stream ends (1001: the agent is stopping). Open a new stream to go on. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

// ---- the client -------------------------------------------------------------------------------

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    throw agentUnavailable(url, error);
  }
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const retryAfter = res.headers.get("retry-after");
    throw new AgentProblem(body as Problem, retryAfter ? Number(retryAfter) : undefined);
  }
  return body as T;
}

const json = (body: unknown): { body: string; headers: Record<string, string> } => ({
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

export interface HisClientOptions {
  /** http://127.0.0.1:17380 unless the agent's api.port says otherwise. */
  agentUrl: string;
  /** The token collected once after pairing. */
  token: string;
}

export class HisClient {
  private readonly base: string;

  constructor(private readonly options: HisClientOptions) {
    this.base = options.agentUrl.replace(/\/$/, "");
  }

  /** Pairing, step 1 (no token yet): ask, then show `code` to the desk user. */
  static requestPairing(agentUrl: string, request: { clientName: string; scopes: Scope[] }): Promise<PairingRequest> {
    return call(`${agentUrl}/v1/pairing`, { method: "POST", ...json(request) });
  }

  /** Pairing, step 2: poll until the operator approves; the token comes back exactly once. */
  static async waitForApproval(
    agentUrl: string,
    requestId: string,
    options: { pollMs?: number; signal?: AbortSignal } = {},
  ): Promise<Pairing> {
    for (;;) {
      const state = await call<{ state: "pending" } | Pairing>(`${agentUrl}/v1/pairing/${requestId}`, {
        method: "GET",
      });
      if (state.state === "approved") return state;
      // Denied or expired requests end with PAIRING_EXPIRED (410), thrown by `call`.
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
      options.signal?.throwIfAborted();
    }
  }

  private request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const payload = body === undefined ? { body: null, headers: {} } : json(body);
    return call(`${this.base}${path}`, {
      method,
      body: payload.body,
      headers: { ...payload.headers, ...headers, authorization: `Bearer ${this.options.token}` },
    });
  }

  me(): Promise<{ clientId: string; name: string; scopes: Scope[] }> {
    return this.request("GET", "/v1/me");
  }

  status(): Promise<AgentStatus> {
    return this.request("GET", "/v1/status");
  }

  readers(): Promise<Readers> {
    return this.request("GET", "/v1/readers");
  }

  diagnostics(): Promise<Diagnostics> {
    return this.request("GET", "/v1/diagnostics");
  }

  /** Reads the card in the resident reader: checks it (genuine, not hotlisted) and records the read. */
  readCard(sections: CardSection[] = ["identity"], purpose: ReadPurpose = "registration"): Promise<CardRead> {
    return this.request("POST", "/v1/card/read", { sections, purpose });
  }

  syncStatus(): Promise<SyncStatus> {
    return this.request("GET", "/v1/sync/status");
  }

  /** "Sync now": send pending events, refresh the lost-card list and CRLs. */
  syncNow(): Promise<SyncStatus> {
    return this.request("POST", "/v1/sync/refresh");
  }

  /** Staff CA card in the staff reader + its PIN (never logged or stored by the agent). */
  clinicianLogin(pin: string): Promise<ClinicianLogin> {
    return this.request("POST", "/v1/clinician/login", { pin });
  }

  clinicianLogout(session: string): Promise<ClinicianSession> {
    return this.request("POST", "/v1/clinician/logout", undefined, { "x-clinician-session": session });
  }

  /** Who is logged in at this desk (no token). */
  clinicianSession(): Promise<{ session: ClinicianSession | null }> {
    return this.request("GET", "/v1/clinician/session");
  }

  addAllergy(session: string, allergy: { substance: string; reaction: string }): Promise<WriteOutcome> {
    return this.request("POST", "/v1/card/allergies", allergy, { "x-clinician-session": session });
  }

  addImmunisation(session: string, immunisation: { vaccine: string; date: string }): Promise<WriteOutcome> {
    return this.request("POST", "/v1/card/immunisations", immunisation, { "x-clinician-session": session });
  }

  /** Visit record fields by key (see GET /openapi.json); the SAM signs the record. */
  writeVisit(
    session: string,
    kind: "outpatient" | "inpatient",
    record: Record<string, string | number>,
    slot?: number,
  ): Promise<WriteOutcome> {
    return this.request("POST", `/v1/card/visits/${kind}`, slot ? { record, slot } : { record }, {
      "x-clinician-session": session,
    });
  }

  /** A quote: no financial effect, safe to repeat. */
  presettle(txnSerial: string, input: SettlementInput): Promise<Quote> {
    return this.request("POST", `/v1/settlements/${txnSerial}/presettle`, input);
  }

  /** Once per txnSerial (idempotent). SETTLEMENT_UNKNOWN: never settle again under a new serial. */
  settle(txnSerial: string, input: SettlementInput & { quoteId?: string }): Promise<Settlement> {
    return this.request("POST", `/v1/settlements/${txnSerial}/settle`, input);
  }

  /** The local state; `refresh` asks the platform to resolve an UNKNOWN outcome. */
  settlement(txnSerial: string, options: { refresh?: boolean } = {}): Promise<Settlement> {
    return this.request("GET", `/v1/settlements/${txnSerial}${options.refresh ? "?refresh=true" : ""}`);
  }

  /** 冲正: idempotent; committed first and retried by the agent until the platform has it. */
  reverse(txnSerial: string, reason: string): Promise<Settlement> {
    return this.request("POST", `/v1/settlements/${txnSerial}/reverse`, { reason });
  }

  /** A vendor-DLL function by name, arguments in DLL order (`{hex}` for byte buffers). */
  compat(fn: string, args: unknown[], session?: string): Promise<{ code: number } & Record<string, unknown>> {
    return this.request("POST", `/v1/compat/${fn}`, { args }, session ? { "x-clinician-session": session } : {});
  }

  /**
   * Card and reader events. Node sends the token on the upgrade; a browser page trades it for a
   * one-time ticket instead (POST /v1/events/tickets), because it cannot set headers on a WebSocket.
   */
  events(
    listener: (event: AgentEvent) => void,
    options: { onGap?: (expectedSeq: number, gotSeq: number) => void } = {},
  ): EventStream {
    const socket = new WebSocket(`${this.base.replace(/^http/, "ws")}/v1/events`, {
      headers: { authorization: `Bearer ${this.options.token}` },
    });
    let lastSeq: number | undefined;
    let refused: { code: number; reason: string } | undefined;
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      socket.on("close", (code, reason) => resolve(refused ?? { code, reason: String(reason) }));
    });
    const hello = new Promise<AgentEvent>((resolve, reject) => {
      socket.once("unexpected-response", (_request, response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () => {
          const problem = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Problem;
          refused = { code: response.statusCode ?? 0, reason: problem.code };
          reject(new AgentProblem(problem));
          socket.terminate();
        });
      });
      socket.on("error", (error) => reject(agentUnavailable(this.base, error)));
      socket.on("message", (data) => {
        const event = JSON.parse(String(data)) as AgentEvent;
        if (event.type === "hello") resolve(event);
        else if (lastSeq !== undefined && event.seq !== lastSeq + 1) options.onGap?.(lastSeq + 1, event.seq);
        if (event.type !== "hello") lastSeq = event.seq;
        listener(event);
      });
    });
    return { hello, closed, close: () => socket.close() };
  }
}
