import { join } from "node:path";
import { spawnSandbox } from "@rhc/platform-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformClient, type EventBatchResponse, openSyncStore, startDelivery } from "../src/index.js";
import { ADMIN, type AdminEvents, cardRead, FAST, TERMINALS, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

const startChild = (port: number) =>
  spawnSandbox({ dbPath: join(tmp.dir, "platform.db"), port, adminToken: ADMIN, terminals: { T1: TERMINALS.T1! } });

const admin = async <T>(url: string, method: string, path: string, body?: unknown): Promise<T> =>
  (await (
    await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
  ).json()) as T;

describe("F9: platform crash between DB commit and response, then restart", () => {
  it("the dedupe table survives; the retry gets the original outcomes replayed; each event applied once", async () => {
    const first = await startChild(0);
    const port = Number(new URL(first.url).port);
    const responses: EventBatchResponse[] = [];
    const client = createPlatformClient({
      baseUrl: first.url,
      terminalId: "T1",
      token: TERMINALS.T1!,
      timeoutMs: 1000,
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        if (url.includes("events:batch") && res.ok) responses.push((await res.clone().json()) as EventBatchResponse);
        return res;
      },
    });
    const store = openSyncStore({ path: join(tmp.dir, "T1.db"), terminalId: "T1", checkpointIntervalMs: 0 });
    const ids = Array.from({ length: 40 }, () => store.outbox.append(cardRead()).eventId);
    await admin(first.url, "PUT", "/_admin/faults", { routes: "events:batch", crashAfterCommit: true });
    const exited = first.exited;
    const d = startDelivery({ store, client, backoff: FAST, periodicMs: 50 });
    await exited;
    expect(store.status().queueDepth).toBe(40);
    const second = await startChild(port);
    try {
      await d.drained(20_000);
      await d.stop();
      const ev = await admin<AdminEvents>(second.url, "GET", "/_admin/events?terminalId=T1");
      expect(ev.events.map((e) => e.eventId)).toEqual(ids);
      expect(ev.events.every((e) => e.applyCount === 1 && e.receiveCount === 2)).toBe(true);
      const replay = responses.at(-1)!;
      expect(replay.ackedThroughSeq).toBe(40);
      expect(replay.results.every((r) => r.status === "duplicate" && r.original === "accepted")).toBe(true);
    } finally {
      store.close();
      await second.stop();
    }
  }, 60_000);
});
