import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Delivery, type EventInput, type SyncStore, seededRandom } from "../src/index.js";
import { type AdminEvents, cardRead, type Harness, harness, reportLost } from "./helpers.js";

const SEED = Number(process.env.RHC_F16_SEED ?? 16_2026);
const TERMINAL_IDS = ["T1", "T2", "T3"];
const CARDS = Array.from({ length: 8 }, (_, i) => `HC5101070000${String(i).padStart(4, "0")}`);

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const unblock = (cardNo: string): EventInput<"card.unblocked"> => ({
  type: "card.unblocked",
  aggregate: { kind: "card", id: cardNo },
  subject: { cardNo },
  actor: { kind: "operator", id: "op-1" },
  payload: { cardNo, reason: "found again" },
});

describe("F16: seeded randomized whole-system run", () => {
  it(`N terminals, random ops and faults; read-your-writes, monotonic acks, convergence (seed ${SEED}; rerun with RHC_F16_SEED)`, async () => {
    const rnd = seededRandom(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd.next() * xs.length)]!;
    const stores = new Map<string, SyncStore>();
    const deliveries = new Map<string, Delivery>();
    const acks = new Map<string, number[]>();
    const written = new Map<string, string[]>();
    for (const id of TERMINAL_IDS) {
      const store = h.store(id);
      const d = h.deliver(store, { client: h.client(id, { timeoutMs: 200 }), downlinkIntervalMs: 30 });
      acks.set(id, []);
      written.set(id, []);
      d.onChange((e) => {
        if (e.type === "ack") acks.get(id)!.push(e.outcome.ackedThroughSeq);
      });
      stores.set(id, store);
      deliveries.set(id, d);
    }
    const faults = [
      {},
      { partition: "inbound" as const },
      { partition: "outbound" as const },
      { partition: "both" as const },
      { errorEveryNth: 2 },
      { dropResponses: 2 },
      { rateLimit: { count: 2, retryAfterS: 0 } },
      { latencyMs: 15 },
    ];
    for (let step = 0; step < 60; step++) {
      const id = pick(TERMINAL_IDS);
      const store = stores.get(id)!;
      const card = pick(CARDS);
      const r = rnd.next();
      const op = r < 0.6 ? cardRead(card) : r < 0.8 ? reportLost(card) : unblock(card);
      written.get(id)!.push(store.outbox.append(op).eventId);
      if (step % 6 === 0) {
        h.sandbox.faults.reset();
        h.sandbox.faults.set({ routes: "events:batch|blacklist", seed: step, ...pick(faults) });
      }
      if (rnd.next() < 0.2) deliveries.get(pick(TERMINAL_IDS))!.networkUp();
      await new Promise((res) => setTimeout(res, Math.floor(rnd.next() * 12)));
    }
    // heal, quiesce, wait for every queue to drain, then final reads
    h.sandbox.faults.reset();
    for (const d of deliveries.values()) d.networkUp();
    await Promise.all([...deliveries.values()].map((d) => d.drained(30_000)));
    for (const d of deliveries.values()) await d.refreshDownlinks();

    const ev = await h.admin<AdminEvents>("GET", "/_admin/events");
    for (const id of TERMINAL_IDS) {
      const mine = ev.events.filter((e) => e.terminalId === id);
      expect(
        mine.map((e) => e.eventId),
        `terminal ${id}: every write, once, in order`,
      ).toEqual(written.get(id));
      expect(mine.every((e) => e.applyCount === 1)).toBe(true);
      const a = acks.get(id)!;
      expect(a, `terminal ${id}: monotonic acks`).toEqual([...a].sort((x, y) => x - y));
    }
    const platform = await h.admin<{ entries: Array<{ cardKey: string; status: string }> }>("GET", "/_admin/hotlist");
    const expected = CARDS.map((c) => platform.entries.find((e) => e.cardKey === c)?.status === "blocked");
    for (const store of stores.values()) {
      expect(CARDS.map((c) => store.hotlist.check(c).listed)).toEqual(expected);
    }
  }, 90_000);
});
