import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@rhc/platform-sandbox";
import { parseCrl } from "@rhc/sync";
import { vectorPath } from "@rhc/test-vectors";
import type { AgentConfigInput } from "../../src/index.js";

export const TERMINAL_ID = "T-TEST-01";
const ADMIN = "sandbox-admin-token";
const TERMINAL_TOKEN = "sandbox-terminal-token-T-TEST-01";

/** Key ids (SKI) of the SM2 test staff PKI's CAs; the platform serves their CRLs (D3). */
export const STAFF_CRL_ISSUERS = {
  root: "98f3be125c00bd5a517ba9fe933aba03d33381f3",
  intermediate: "506d9ef07cabd404a4068edbac0eb1aefa8cf4b9",
} as const;

export interface TestPlatform {
  sandbox: Sandbox;
  /** cRLNumber (decimal) per staff CA key id of the CRL files served now: what an event's listVersions.crl must say. */
  servedCrlVersions(): Record<string, string>;
  /** The platform's current hotlist version. */
  hotlistVersion(): Promise<number>;
  /** Serve another CRL file of test-vectors/x509/sm2 for a staff CA (takes effect at the next refresh). */
  serveCrl(issuer: keyof typeof STAFF_CRL_ISSUERS, vectorFile: string): void;
  /** Stop serving a staff CA's CRL (the platform answers 404 for it). */
  withholdCrl(issuer: keyof typeof STAFF_CRL_ISSUERS): void;
  /** The agent configuration's `platform` block for this sandbox. */
  config: NonNullable<AgentConfigInput["platform"]>;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The real reference platform on loopback (HTTP + SQLite), with its fault knobs. */
export async function startTestPlatform(): Promise<TestPlatform> {
  const dir = mkdtempSync(join(tmpdir(), "rhc-agent-platform-"));
  const crlDir = join(dir, "crl");
  mkdirSync(crlDir);
  const crlFile = (issuer: keyof typeof STAFF_CRL_ISSUERS) => join(crlDir, `${STAFF_CRL_ISSUERS[issuer]}.crl`);
  const serveCrl = (issuer: keyof typeof STAFF_CRL_ISSUERS, file: string) =>
    copyFileSync(vectorPath("x509/sm2", file), crlFile(issuer));
  serveCrl("root", "root.crl");
  serveCrl("intermediate", "intermediate.crl");
  const sandbox = await startSandbox({
    crlDir,
    port: 0,
    dbPath: join(dir, "platform.db"),
    adminToken: ADMIN,
    terminals: { [TERMINAL_ID]: TERMINAL_TOKEN },
    onCrash: () => {
      throw new Error("crash knob is for child-process sandboxes");
    },
  });
  const tokenFile = join(dir, "platform.token");
  writeFileSync(tokenFile, `${TERMINAL_TOKEN}\n`, { mode: 0o600 });
  const keyId = (sandbox.signing.signer as { keyId: string }).keyId;
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(sandbox.url + path, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as T;
  };
  return {
    sandbox,
    serveCrl,
    withholdCrl: (issuer) => rmSync(crlFile(issuer), { force: true }),
    servedCrlVersions: () =>
      Object.fromEntries(
        (Object.keys(STAFF_CRL_ISSUERS) as Array<keyof typeof STAFF_CRL_ISSUERS>).map((issuer) => [
          STAFF_CRL_ISSUERS[issuer],
          parseCrl(new Uint8Array(readFileSync(crlFile(issuer)))).crlNumber,
        ]),
      ),
    hotlistVersion: async () => (await admin<{ listVersion: number }>("GET", "/_admin/hotlist")).listVersion,
    config: {
      crlIssuers: Object.values(STAFF_CRL_ISSUERS),
      url: sandbox.url,
      tokenFile,
      timeoutMs: 2000,
      listSigningKeys: [{ keyId, alg: "SM2", publicKey: sandbox.signing.publicKeyHex }],
      periodicMs: 200,
      downlinkIntervalMs: 60_000,
    },
    admin,
    async close() {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AdminEvents {
  terminals: Array<{ terminalId: string; ackedThroughSeq: number; events: number; receipts: number; applied: number }>;
  events: Array<{
    eventId: string;
    seq: number;
    type: string;
    status: string;
    receiveCount: number;
    applyCount: number;
  }>;
}

/** One event as the platform received it (the stored wire body: envelope, list versions, payload). */
export interface ReceivedEvent {
  eventId: string;
  seq: number;
  type: string;
  actor: { kind: string; id: string };
  listVersions: { hotlist?: number; crl?: Record<string, string> };
  payload: Record<string, unknown>;
}

/** The events of the test terminal as stored by the platform (its SQLite), oldest first. */
export function receivedEvents(platform: TestPlatform, type?: string): ReceivedEvent[] {
  const rows = platform.sandbox.db
    .prepare("SELECT body FROM events WHERE terminal_id = ? ORDER BY seq")
    .all(TERMINAL_ID) as Array<{ body: string }>;
  const events = rows.map((r) => JSON.parse(r.body) as ReceivedEvent);
  return type ? events.filter((e) => e.type === type) : events;
}
