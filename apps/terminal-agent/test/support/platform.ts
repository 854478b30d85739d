import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@rhc/platform-sandbox";
import type { AgentConfigInput } from "../../src/index.js";

export const TERMINAL_ID = "T-TEST-01";
const ADMIN = "sandbox-admin-token";
const TERMINAL_TOKEN = "sandbox-terminal-token-T-TEST-01";

export interface TestPlatform {
  sandbox: Sandbox;
  /** The agent configuration's `platform` block for this sandbox. */
  config: NonNullable<AgentConfigInput["platform"]>;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The real reference platform on loopback (HTTP + SQLite), with its fault knobs. */
export async function startTestPlatform(): Promise<TestPlatform> {
  const dir = mkdtempSync(join(tmpdir(), "rhc-agent-platform-"));
  const sandbox = await startSandbox({
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
  return {
    sandbox,
    config: {
      url: sandbox.url,
      tokenFile,
      timeoutMs: 2000,
      listSigningKeys: [{ keyId, alg: "Ed25519", publicKeyPem: sandbox.signing.publicKeyPem }],
      periodicMs: 200,
      downlinkIntervalMs: 60_000,
    },
    async admin(method, path, body) {
      const res = await fetch(sandbox.url + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as never;
    },
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
