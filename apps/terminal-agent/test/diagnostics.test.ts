import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pair } from "./support/agent.js";
import { psamCard, residentCard } from "./support/cards.js";
import { type DeskHarness, openDesk } from "./support/desk.js";
import { http } from "./support/http.js";
import type { TestPlatform } from "./support/platform.js";

let h: DeskHarness;
let t: DeskHarness["t"];
let platform: TestPlatform;
let token: string;
const TERMINAL_NO = "410100000042";
const card = residentCard("agent-diagnostics-1");

beforeAll(async () => {
  h = await openDesk({ platform: true });
  ({ t } = h);
  platform = h.platform!;
  token = await pair(t.agent, ["read-basic"], "IT desk");
  await h.desk.insert("sam", psamCard(TERMINAL_NO));
  await h.desk.insert("resident", card.spec);
});

afterAll(async () => {
  await h?.close();
});

interface Report {
  sections: Record<string, { ok: boolean; data: Record<string, unknown> }>;
}

async function diagnostics(): Promise<Report> {
  const r = await http(`${t.agent.url}/v1/diagnostics`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return r.body as Report;
}

const read = () =>
  http(`${t.agent.url}/v1/card/read`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: { sections: ["identity"] },
  });

describe("diagnostics report values (real pcscd, PSAM with its own terminal number, platform sandbox)", () => {
  it("reports the SAM's terminal number, reader and ATR, and the readers by role", async () => {
    const { sections } = await diagnostics();
    expect(sections.sam).toMatchObject({
      ok: true,
      data: {
        terminalNumber: TERMINAL_NO,
        reader: h.desk.readerName("sam"),
        atr: expect.stringMatching(/^[0-9A-F]+$/i),
      },
    });
    expect(sections.pcsc!.data.readers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: "resident", name: h.desk.readerName("resident") }),
        expect.objectContaining({ role: "sam", name: h.desk.readerName("sam") }),
      ]),
    );
    expect(sections.versions!.data).toMatchObject({ terminalId: "T-TEST-01", node: process.version });
  });

  it("reports the list versions in use and the clock offset to the platform", async () => {
    const { sync } = (await diagnostics()).sections;
    expect(sync!.data).toMatchObject({
      platformConfigured: true,
      listVersions: {
        hotlist: await platform.hotlistVersion(),
        hotlistAgeMs: expect.any(Number),
        crl: platform.servedCrlVersions(),
      },
      clock: { offsetMs: expect.any(Number), rttMs: expect.any(Number), skewed: false },
    });
    // Sandbox and agent share this machine's clock: the offset is within the round trip.
    const clock = sync!.data.clock as { offsetMs: number; rttMs: number };
    expect(Math.abs(clock.offsetMs)).toBeLessThanOrEqual(clock.rttMs + 1000);
  });

  it("reports the queue depth and the oldest event's age while the platform is cut off, and the drain after", async () => {
    await platform.admin("PUT", "/_admin/faults", { partition: "inbound" });
    let firstDone = 0;
    const started = Date.now();
    try {
      expect((await read()).status).toBe(200);
      firstDone = Date.now();
      expect((await read()).status).toBe(200);
      // Let the oldest event age measurably.
      while (Date.now() - firstDone < 300) await new Promise((r) => setTimeout(r, 50));
      const asked = Date.now();
      const sync = (await diagnostics()).sections.sync!.data as { queueDepth: number; oldestPendingAgeMs: number };
      const answered = Date.now();
      expect(sync.queueDepth).toBe(2);
      expect(sync.oldestPendingAgeMs).toBeGreaterThanOrEqual(asked - firstDone);
      expect(sync.oldestPendingAgeMs).toBeLessThanOrEqual(answered - started);
    } finally {
      await platform.admin("DELETE", "/_admin/faults");
    }
    await t.agent.drained(10_000);
    expect((await diagnostics()).sections.sync!.data).toMatchObject({ queueDepth: 0, oldestPendingAgeMs: null });
  });
});
