import { isRhcError, type RhcError } from "@rhc/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SettlementInput, SettlementService, settlementDate } from "../src/index.js";
import { type Harness, harness } from "./helpers.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const ORG = "110101000001";
let counter = 0;
const serial = () => `${ORG}20260301093000${String(++counter).padStart(4, "0")}`;
const input = (over: Partial<SettlementInput> = {}): SettlementInput => ({
  orgId: ORG,
  psnNo: "P0001",
  certType: "02",
  certNo: "110101199003077777",
  medType: "11",
  insutype: "310",
  clrType: "11",
  chrgBatchNo: `B${counter}`,
  feeTotal: 12_345,
  items: [{ code: "X001", name: "挂号费", amount: 12_345 }],
  ...over,
});

interface Ledger {
  settlements: Array<{ txn_serial: string; state: string; tombstone: number }>;
  effectsByTxn: Record<string, number>;
}

async function error(p: Promise<unknown>): Promise<RhcError> {
  try {
    await p;
  } catch (e) {
    return e as RhcError;
  }
  throw new Error("expected an error");
}

function service(client = h.client("T1", { timeoutMs: 500 })) {
  const store = h.store();
  return { store, s: new SettlementService(store.context, store.outbox, client) };
}

describe("G10/F15: settlement safety", () => {
  it("presettle is pure; settle commits the intent with its reversal first, then records the result", async () => {
    const { store, s } = service();
    const txn = serial();
    const q = await s.presettle(txn, input());
    expect(q.setlinfo.feeTotal).toBe(12_345);
    expect(s.get(txn)).toBeUndefined();
    const rec = await s.settle(txn, { ...input(), quoteId: q.quoteId });
    expect(rec).toMatchObject({ state: "SETTLED", reversalState: "disarmed", setlinfo: q.setlinfo });
    expect(rec.settledDate).toBe(settlementDate(new Date().toISOString()));
    expect(store.audit.list({ kind: "settlement.intent" })).toHaveLength(1);
    // the settlement record travels through the outbox
    expect(store.status().queueDepth).toBe(1);
    // retrying a settled serial is a local no-op, not a second effect
    expect((await s.settle(txn, input())).state).toBe("SETTLED");
    const ledger = await h.admin<Ledger>("GET", "/_admin/settlements");
    expect(ledger.effectsByTxn[txn]).toBe(1);
  });

  it("timeout after the platform settled → UNKNOWN; no new settle for the batch; status resolves it; one effect", async () => {
    const { s } = service();
    const txn = serial();
    h.sandbox.faults.set({ routes: ":settle", dropResponses: 1 });
    const e = await error(s.settle(txn, input({ chrgBatchNo: "BATCH-1" })));
    expect(e.code).toBe("SETTLEMENT_UNKNOWN");
    expect(s.get(txn)).toMatchObject({ state: "UNKNOWN", reversalState: "prepared" });
    expect((await error(s.settle(serial(), input({ chrgBatchNo: "BATCH-1" })))).code).toBe("SETTLEMENT_UNKNOWN");
    expect((await error(s.settle(txn, input({ chrgBatchNo: "BATCH-1" })))).code).toBe("SETTLEMENT_UNKNOWN");
    expect((await s.resolve(txn)).state).toBe("SETTLED");
    const ledger = await h.admin<Ledger>("GET", "/_admin/settlements");
    expect(ledger.effectsByTxn[txn]).toBe(1);
  });

  it("a request that never arrived: status NOT_FOUND → reversal leaves a tombstone; the late original is refused (410)", async () => {
    const { s } = service();
    const txn = serial();
    h.sandbox.faults.set({ routes: ":settle", partition: "inbound" });
    expect((await error(s.settle(txn, input()))).code).toBe("SETTLEMENT_UNKNOWN");
    h.sandbox.faults.reset();
    const rec = await s.resolve(txn);
    expect(rec).toMatchObject({ state: "REVERSED", reversalState: "done", lastError: "tombstoned" });
    const late = await error(h.client().settle(txn, input()));
    expect(late.code).toBe("SETTLEMENT_TOMBSTONED");
    const ledger = await h.admin<Ledger>("GET", "/_admin/settlements");
    expect(ledger.effectsByTxn[txn]).toBeUndefined();
    expect(ledger.settlements.find((x) => x.txn_serial === txn)).toMatchObject({ state: "REVERSED", tombstone: 1 });
  });

  it("concurrent duplicate settle → 409 in progress; same key with another body → 422; one effect", async () => {
    const client = h.client();
    const txn = serial();
    h.sandbox.faults.set({ settleDelayMs: 150 });
    const [a, b] = await Promise.allSettled([client.settle(txn, input()), client.settle(txn, input())]);
    const outcomes = [a, b].map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as RhcError).code)).sort();
    expect(outcomes).toEqual(["SETTLEMENT_IN_PROGRESS", "ok"]);
    expect((await error(client.settle(txn, input({ feeTotal: 1 })))).code).toBe("IDEMPOTENCY_KEY_REUSED");
    // a retry with the same body replays the original answer
    const replay = await client.settle(txn, input());
    expect(replay.setlinfo.feeTotal).toBe(12_345);
    expect((await h.admin<Ledger>("GET", "/_admin/settlements")).effectsByTxn[txn]).toBe(1);
  });

  it("a definitive refusal is FAILED (no reversal needed)", async () => {
    const { s } = service();
    const txn = serial();
    expect((await error(s.settle(txn, input({ psnNo: "X-NOT-INSURED" })))).code).toBe("SETTLEMENT_REFUSED");
    expect(s.get(txn)).toMatchObject({ state: "FAILED", reversalState: "disarmed" });
  });

  it("the reversal intent is persisted before sending and re-sent by recover() until it lands", async () => {
    const { s } = service();
    const txn = serial();
    await s.settle(txn, input());
    h.sandbox.faults.set({ routes: ":reverse", partition: "inbound" });
    expect(isRhcError(await error(s.reverse(txn, "operator cancelled the visit")))).toBe(true);
    expect(s.get(txn)).toMatchObject({
      state: "SETTLED",
      reversalState: "requested",
      reversalReason: "operator cancelled the visit",
    });
    h.sandbox.faults.reset();
    await s.recover();
    expect(s.get(txn)).toMatchObject({ state: "REVERSED", reversalState: "done" });
    const ledger = await h.admin<{ ledger: Array<{ txn_serial: string; kind: string; fee_total: number }> }>(
      "GET",
      "/_admin/settlements",
    );
    expect(ledger.ledger.filter((l) => l.txn_serial === txn).map((l) => [l.kind, l.fee_total])).toEqual([
      ["settle", 12_345],
      ["reverse", -12_345],
    ]);
  });

  it("cancel (S5) and daily reconciliation (S6): totals match; a settlement the terminal does not know is a mismatch", async () => {
    const { s } = service();
    const serials = [serial(), serial(), serial()];
    for (const t of serials) await s.settle(t, input({ chrgBatchNo: t }));
    const cancelled = await s.cancel(serials[0]!, serial());
    expect(cancelled.state).toBe("CANCELLED");
    const date = s.get(serials[1]!)!.settledDate!;
    const ok = await s.reconcile(ORG, date);
    expect(ok).toMatchObject({ result: "match", diffs: [] });
    expect(s.localTotals(ORG, date)).toEqual([
      { insutype: "310", clrType: "11", count: 2, medfeeTotal: 24_690, fundPayTotal: 14_814, acctPayTotal: 4_938 },
    ]);
    await h.client().settle(serial(), input());
    const bad = await s.reconcile(ORG, date);
    expect(bad.result).toBe("mismatch");
    expect(bad.diffs.map((d) => d.field)).toEqual(expect.arrayContaining(["count", "medfeeTotal", "detail"]));
  });
});
