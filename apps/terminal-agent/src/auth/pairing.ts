import { randomInt } from "node:crypto";
import { RhcError } from "@rhc/errors";
import type { Secret } from "../log/secret.js";
import type { ClientStore, PairedClient } from "./client-store.js";
import type { Scope } from "./scopes.js";
import { issueToken, newClientId, randomId } from "./tokens.js";

export interface PairingRequest {
  requestId: string;
  /** Short code the HIS shows its user; the operator approves by this code. */
  code: string;
  clientName: string;
  scopes: Scope[];
  origin: string | undefined;
  createdAt: Date;
  expiresAt: Date;
  state: "pending" | "approved" | "denied";
  /** Held until the HIS collects it once. */
  token?: Secret;
  client?: PairedClient;
}

/** What the operator sees: never the request id, which is the HIS's key to collect the token. */
export type PairingView = Pick<PairingRequest, "code" | "clientName" | "scopes" | "origin" | "state"> & {
  createdAt: string;
  expiresAt: string;
};

export interface PairingOptions {
  ttlSeconds: number;
  maxPending: number;
  tokenTtlDays: number;
  clock?: () => Date;
}

/**
 * Client pairing: the HIS asks (pending request with a short code), an operator on this computer
 * approves the code (CLI or local admin socket), the HIS collects its scoped token exactly once.
 */
export class PairingService {
  private readonly requests = new Map<string, PairingRequest>();
  private readonly clock: () => Date;

  constructor(
    private readonly store: ClientStore,
    private readonly options: PairingOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  private sweep(): void {
    const now = this.clock().getTime();
    for (const [id, r] of this.requests) if (r.expiresAt.getTime() <= now) this.requests.delete(id);
  }

  request(input: { clientName: string; scopes: Scope[]; origin: string | undefined }): PairingRequest {
    this.sweep();
    const pending = [...this.requests.values()].filter((r) => r.state === "pending");
    if (pending.length >= this.options.maxPending) {
      throw new RhcError("RATE_LIMITED", { detail: `${pending.length} pairing requests are waiting for approval` });
    }
    let code: string;
    do code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    while (pending.some((r) => r.code === code));
    const now = this.clock();
    const request: PairingRequest = {
      requestId: randomId(),
      code,
      clientName: input.clientName,
      scopes: [...new Set(input.scopes)],
      origin: input.origin,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.options.ttlSeconds * 1000),
      state: "pending",
    };
    this.requests.set(request.requestId, request);
    return request;
  }

  pending(): PairingView[] {
    this.sweep();
    return [...this.requests.values()].filter((r) => r.state === "pending").map(view);
  }

  private byCode(code: string): PairingRequest {
    this.sweep();
    const found = [...this.requests.values()].find((r) => r.code === code && r.state === "pending");
    if (!found) throw new RhcError("NOT_FOUND", { detail: `no pending pairing request with code ${code}` });
    return found;
  }

  /** Operator approval; `scopes` may narrow (never widen) what the HIS asked for. */
  approve(code: string, scopes?: Scope[]): PairedClient {
    const request = this.byCode(code);
    const granted = scopes ? request.scopes.filter((s) => scopes.includes(s)) : request.scopes;
    if (granted.length === 0) throw new RhcError("INVALID_INPUT", { detail: "approval would grant no scope" });
    const clientId = newClientId();
    const { token, hash } = issueToken(clientId);
    const now = this.clock();
    const client: PairedClient = {
      clientId,
      name: request.clientName,
      scopes: granted,
      tokenHash: hash,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.options.tokenTtlDays * 86_400_000).toISOString(),
    };
    this.store.add(client);
    request.state = "approved";
    request.token = token;
    request.client = client;
    // Leave a short window for the HIS to collect the token even if approval came late.
    request.expiresAt = new Date(Math.max(request.expiresAt.getTime(), now.getTime() + 60_000));
    return client;
  }

  deny(code: string): PairingView {
    const request = this.byCode(code);
    request.state = "denied";
    return view(request);
  }

  /** What the HIS sees when it polls; an approved token is handed out once, then forgotten. */
  collect(requestId: string): { state: "pending" } | { state: "approved"; token: Secret; client: PairedClient } {
    this.sweep();
    const request = this.requests.get(requestId);
    if (!request || request.state === "denied") {
      if (request) this.requests.delete(requestId);
      throw new RhcError("PAIRING_EXPIRED", { detail: "unknown, expired, denied or already collected" });
    }
    if (request.state === "pending") return { state: "pending" };
    this.requests.delete(requestId);
    return { state: "approved", token: request.token!, client: request.client! };
  }
}

function view(r: PairingRequest): PairingView {
  return {
    code: r.code,
    clientName: r.clientName,
    scopes: r.scopes,
    origin: r.origin,
    state: r.state,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  };
}
