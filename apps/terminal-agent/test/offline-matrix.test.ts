import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgent } from "../src/index.js";
import { deskConfig, deskRoles, pair } from "./support/agent.js";
import { psamCard, residentCard, trustConfig } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import type { AdminEvents, TestPlatform } from "./support/platform.js";

// The offline matrix of the README, row by row: what the desk sees when the network or the platform
// is gone, and that nothing is lost or doubled once they are back.
let h: DeskHarness;
let desk: DeskHarness["desk"];
let t: DeskHarness["t"];
let platform: TestPlatform;
let token: string;
const card = residentCard("agent-offline-1");

beforeAll(async () => {
  h = await openDesk({ platform: true });
  ({ desk, t } = h);
  platform = h.platform!;
  token = await pair(t.agent, ["read-basic"], "registration");
  await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  await desk.insert("sam", psamCard());
  await desk.insert("resident", card.spec);
});

afterAll(async () => {
  await h?.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });
const read = () =>
  http(`${t.agent.url}/v1/card/read`, { method: "POST", headers: auth(), body: { sections: ["identity"] } });
type Status = { queueDepth: number; lastSeq: number; lastError: { code: string } | null };
const status = async () => (await http(`${t.agent.url}/v1/sync/status`, { headers: auth() })).body as Status;

/** Polls sync status until `done` (delivery runs in the background). */
async function until(done: (s: Status) => boolean, timeoutMs = 10_000): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status();
    if (done(s) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function heal(): Promise<void> {
  await platform.admin("DELETE", "/_admin/faults");
  await http(`${t.agent.url}/v1/sync/refresh`, { method: "POST", headers: auth() });
  await t.agent.drained(15_000);
}

describe.each([
  ["network down (connections reset)", { partition: "inbound" }, "PLATFORM_UNREACHABLE"],
  ["platform down (HTTP 503)", { errorRate: 1, errorStatus: 503 }, "PLATFORM_ERROR"],
])("%s", (_name, faults, code) => {
  it("the desk keeps reading cards; events queue with a visible error; they drain once it is back", async () => {
    await platform.admin("PUT", "/_admin/faults", faults);
    const before = await status();
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    const down = await until((s) => s.lastError !== null && s.queueDepth >= 3);
    expect(down.queueDepth).toBeGreaterThanOrEqual(3);
    expect(down.lastSeq).toBe(before.lastSeq + 3);
    expect(down.lastError?.code).toBe(code);

    await heal();
    expect((await status()).queueDepth).toBe(0);
  });
});

describe("after the outages", () => {
  it("every event the agent committed reached the platform exactly once", async () => {
    const { lastSeq } = await status();
    const sent = await platform.admin<AdminEvents>("GET", "/_admin/events?terminalId=T-TEST-01");
    expect(sent.events.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    for (const e of sent.events) expect(e).toMatchObject({ status: "accepted", applyCount: 1 });
    expect(sent.terminals[0]?.ackedThroughSeq).toBe(lastSeq);
  });
});

describe("hotlist never loaded (new desk, platform never reached)", () => {
  it("neverLoaded warn: reads pass with a warning; deny (the default): LIST_STALE", async () => {
    for (const onStale of ["warn", "deny"] as const) {
      const base = deskConfig(deskRoles(desk), `${t.dataDir}-${onStale}`);
      const agent = await startAgent({
        ...base,
        ...trustConfig(),
        policy: { hotlist: { neverLoaded: onStale } },
        log: { level: "silent" },
      });
      try {
        const other = await pair(agent, ["read-basic"]);
        const r = await http(`${agent.url}/v1/card/read`, {
          method: "POST",
          headers: { authorization: `Bearer ${other}` },
          body: { sections: ["identity"] },
        });
        if (onStale === "warn") {
          expect(r.status).toBe(200);
          expect(r.body).toMatchObject({
            hotlist: { stale: true, listVersion: null },
            warnings: [expect.stringContaining("hotlist stale")],
          });
        } else {
          expect(r.status).toBe(503);
          expect(r.body).toMatchObject({ code: "LIST_STALE", retriable: true });
        }
      } finally {
        await agent.close();
        rmSync(`${t.dataDir}-${onStale}`, { recursive: true, force: true });
      }
    }
  });
});
