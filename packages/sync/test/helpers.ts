import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@rhc/platform-sandbox";
import {
  createPlatformClient,
  type Delivery,
  type DeliveryOptions,
  type EventInput,
  type OpenSyncStoreOptions,
  openSyncStore,
  type PlatformClient,
  type SyncStore,
  startDelivery,
} from "../src/index.js";

export const ADMIN = "test-admin-token";
export const TERMINALS: Record<string, string> = {
  T1: "token-terminal-1",
  T2: "token-terminal-2",
  T3: "token-terminal-3",
  T4: "token-terminal-4",
};
/** Tests use short backoffs; the production default stays 1 s … 10 min. */
export const FAST = { baseMs: 5, capMs: 40 };

export function tempDir(prefix = "rhc-sync-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Harness {
  dir: string;
  sandbox: Sandbox;
  client(terminalId?: string, extra?: Partial<Parameters<typeof createPlatformClient>[0]>): PlatformClient;
  store(terminalId?: string, options?: Partial<OpenSyncStoreOptions> & { file?: string }): SyncStore;
  deliver(store: SyncStore, options?: Partial<DeliveryOptions>): Delivery;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** A sandbox on loopback with a temp directory; everything it opens is closed by `close()`. */
export async function harness(options: { crlDir?: string; now?: () => number } = {}): Promise<Harness> {
  const { dir, cleanup } = tempDir();
  const sandbox = await startSandbox({
    port: 0,
    dbPath: join(dir, "platform.db"),
    adminToken: ADMIN,
    terminals: TERMINALS,
    ...(options.crlDir ? { crlDir: options.crlDir } : {}),
    ...(options.now ? { now: options.now } : {}),
    onCrash: () => {
      throw new Error("crash knob is for child-process sandboxes");
    },
  });
  const stores: SyncStore[] = [];
  const deliveries: Delivery[] = [];
  return {
    dir,
    sandbox,
    client: (terminalId = "T1", extra = {}) =>
      createPlatformClient({
        baseUrl: sandbox.url,
        terminalId,
        token: TERMINALS[terminalId]!,
        timeoutMs: 5000,
        ...extra,
      }),
    store(terminalId = "T1", o = {}) {
      const s = openSyncStore({
        path: join(dir, o.file ?? `${terminalId}.db`),
        terminalId,
        checkpointIntervalMs: 0,
        ...o,
      });
      stores.push(s);
      return s;
    },
    deliver(store, o = {}) {
      const d = startDelivery({
        store,
        client: createPlatformClient({
          baseUrl: sandbox.url,
          terminalId: store.terminalId,
          token: TERMINALS[store.terminalId]!,
          timeoutMs: 2000,
        }),
        verifier: sandbox.signing.verifier,
        backoff: FAST,
        periodicMs: 200,
        watchdogMs: 50,
        ...o,
      });
      deliveries.push(d);
      return d;
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
      await Promise.all(deliveries.map((d) => d.stop()));
      for (const s of stores) s.close();
      await sandbox.close();
      cleanup();
    },
  };
}

export function cardRead(cardNo = "HC11010100000001"): EventInput<"card.read"> {
  return {
    type: "card.read",
    aggregate: { kind: "card", id: cardNo },
    subject: { cardNo },
    actor: { kind: "operator", id: "op-1" },
    payload: { cardNo, purpose: "registration", genuine: true, hotlist: "clear" },
  };
}

export function reportLost(cardNo: string): EventInput<"card.reported_lost"> {
  return {
    type: "card.reported_lost",
    aggregate: { kind: "card", id: cardNo },
    subject: { cardNo },
    actor: { kind: "operator", id: "op-1" },
    payload: { cardNo, reason: "holder reported loss" },
  };
}

export interface AdminEvents {
  terminals: Array<{
    terminalId: string;
    ackedThroughSeq: number;
    highestSeq: number;
    events: number;
    receipts: number;
    applied: number;
  }>;
  events: Array<{
    eventId: string;
    terminalId: string;
    seq: number;
    type: string;
    status: string;
    code: string | null;
    receiveCount: number;
    applyCount: number;
    occurredAt: string;
    flags: string | null;
  }>;
  conflicts: Array<{ eventId: string; seq: number; reason: string }>;
  batches: Array<{ batchId: string; receiveCount: number; skewMs: number }>;
}

/** Polls until the predicate holds (state-based waiting, never fixed sleeps as assertions). */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
