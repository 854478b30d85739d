import { canonicalJson, type SetlInfo, type SettlementInput, settlementDate, sha256Hex } from "@rhc/sync";
import type { Db } from "./db.js";

export interface SettlementReply {
  status: number;
  body: Record<string, unknown>;
}

type Row = {
  txn_serial: string;
  state: string;
  tombstone: number;
  org_id: string | null;
  insutype: string | null;
  clr_type: string | null;
  body_hash: string | null;
  request: string | null;
  setl_id: string | null;
  setlinfo: string | null;
  response_status: number | null;
  response_body: string | null;
  settled_date: string | null;
};

const problem = (status: number, code: string, detail: string): SettlementReply => ({
  status,
  body: { type: `urn:rhc:error:${code}`, title: code, status, code, detail },
});

/** The sandbox's fund decision: deterministic shares of the fee (integer fen). */
export function quote(input: SettlementInput): SetlInfo {
  const fundPay = Math.floor((input.feeTotal * 6) / 10);
  const acctPay = Math.floor((input.feeTotal - fundPay) / 2);
  return { feeTotal: input.feeTotal, fundPay, acctPay, cashPay: input.feeTotal - fundPay - acctPay };
}

type LedgerKey = { org_id: string; insutype: string; clr_type: string; settled_date: string };
const ledgerKey = (r: Row): LedgerKey => ({
  org_id: r.org_id ?? "",
  insutype: r.insutype ?? "",
  clr_type: r.clr_type ?? "",
  settled_date: r.settled_date ?? "",
});

const negate = (s: SetlInfo): SetlInfo => ({
  feeTotal: -s.feeTotal,
  fundPay: -s.fundPay,
  acctPay: -s.acctPay,
  cashPay: -s.cashPay,
});

/**
 * Server side of S1–S6 after the national insurance interface (2206/2207/2208/2601/3201): one
 * financial effect per txnSerial, Idempotency-Key replay, tombstones for reversals of unknown serials,
 * and a ledger that reconciliation and the admin view read.
 */
export class SettlementEngine {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  private row(txn: string): Row | undefined {
    return this.db.prepare<[string], Row>("SELECT * FROM settlements WHERE txn_serial = ?").get(txn);
  }

  private ledger(txn: string, kind: string, r: LedgerKey, s: SetlInfo, countDelta: number): void {
    this.db
      .prepare(
        `INSERT INTO ledger (txn_serial, kind, org_id, insutype, clr_type, date, count_delta, fee_total, fund_pay, acct_pay, cash_pay, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        txn,
        kind,
        r.org_id,
        r.insutype,
        r.clr_type,
        r.settled_date,
        countDelta,
        s.feeTotal,
        s.fundPay,
        s.acctPay,
        s.cashPay,
        this.now(),
      );
  }

  presettle(txn: string, input: SettlementInput): SettlementReply {
    const now = this.now();
    return {
      status: 200,
      body: {
        quoteId: `Q${sha256Hex(canonicalJson({ txn, input })).slice(0, 24)}`,
        setlinfo: quote(input),
        expiresAt: new Date(Date.parse(now) + 15 * 60_000).toISOString(),
        serverTime: now,
      },
    };
  }

  /**
   * S2, first half: claims the key. Returns a final reply (replay, 409, 410, 422) or "claimed" when
   * this request owns the settlement and must call `decide` (possibly after a delay).
   */
  claim(txn: string, key: string | undefined, input: SettlementInput, terminalId: string): SettlementReply | "claimed" {
    if (key !== txn) return problem(400, "INVALID_INPUT", "Idempotency-Key must equal the txnSerial");
    const hash = sha256Hex(canonicalJson(input));
    return this.db.transaction((): SettlementReply | "claimed" => {
      const r = this.row(txn);
      if (r?.tombstone) return problem(410, "SETTLEMENT_TOMBSTONED", `${txn} was reversed before it arrived`);
      if (r) {
        if (r.body_hash !== hash)
          return problem(422, "IDEMPOTENCY_KEY_REUSED", `${txn} was used with a different body`);
        if (r.state === "PENDING") return problem(409, "SETTLEMENT_IN_PROGRESS", `${txn} is being processed`);
        return {
          status: r.response_status ?? 200,
          body: { ...(JSON.parse(r.response_body ?? "{}") as Record<string, unknown>), serverTime: this.now() },
        };
      }
      const now = this.now();
      this.db
        .prepare(
          `INSERT INTO settlements (txn_serial, state, terminal_id, org_id, insutype, clr_type, body_hash, request, created_at, updated_at)
           VALUES (?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(txn, terminalId, input.orgId, input.insutype, input.clrType, hash, JSON.stringify(input), now, now);
      return "claimed";
    })();
  }

  /** S2, second half: the fund decision, committed with its ledger entry and the stored reply. */
  decide(txn: string, input: SettlementInput): SettlementReply {
    return this.db.transaction((): SettlementReply => {
      const now = this.now();
      const r = this.row(txn);
      if (r?.state !== "PENDING") return problem(409, "CONFLICT", `${txn} is no longer pending`);
      let reply: SettlementReply;
      let state: string;
      let setlinfo: SetlInfo | null = null;
      let setlId: string | null = null;
      const date = settlementDate(now);
      if (input.psnNo.startsWith("X")) {
        state = "FAILED";
        reply = problem(422, "SETTLEMENT_REFUSED", `insured person ${input.psnNo} is not eligible`);
      } else {
        state = "SETTLED";
        setlinfo = quote(input);
        setlId = `S${sha256Hex(txn).slice(0, 16).toUpperCase()}`;
        reply = { status: 200, body: { txnSerial: txn, setlId, setlinfo } };
        this.ledger(
          txn,
          "settle",
          { org_id: input.orgId, insutype: input.insutype, clr_type: input.clrType, settled_date: date },
          setlinfo,
          1,
        );
      }
      this.db
        .prepare(
          "UPDATE settlements SET state = ?, setl_id = ?, setlinfo = ?, response_status = ?, response_body = ?, settled_date = ?, updated_at = ? WHERE txn_serial = ?",
        )
        .run(
          state,
          setlId,
          setlinfo ? JSON.stringify(setlinfo) : null,
          reply.status,
          JSON.stringify(reply.body),
          date,
          now,
          txn,
        );
      return { status: reply.status, body: { ...reply.body, serverTime: now } };
    })();
  }

  status(txn: string): SettlementReply {
    const r = this.row(txn);
    const serverTime = this.now();
    if (!r) return { status: 200, body: { txnSerial: txn, state: "NOT_FOUND", serverTime } };
    return {
      status: 200,
      body: {
        txnSerial: txn,
        state: r.state,
        ...(r.setl_id ? { setlId: r.setl_id } : {}),
        ...(r.setlinfo ? { setlinfo: JSON.parse(r.setlinfo) } : {}),
        ...(r.tombstone ? { tombstone: true } : {}),
        serverTime,
      },
    };
  }

  /** S4 (2601): idempotent; an unknown serial leaves a tombstone that refuses a late original. */
  reverse(txn: string, terminalId: string): SettlementReply {
    return this.db.transaction((): SettlementReply => {
      const now = this.now();
      const r = this.row(txn);
      if (!r) {
        this.db
          .prepare(
            "INSERT INTO settlements (txn_serial, state, tombstone, terminal_id, created_at, updated_at) VALUES (?, 'REVERSED', 1, ?, ?, ?)",
          )
          .run(txn, terminalId, now, now);
        return { status: 200, body: { txnSerial: txn, state: "NOT_FOUND_TOMBSTONED", serverTime: now } };
      }
      if (r.tombstone) return { status: 200, body: { txnSerial: txn, state: "NOT_FOUND_TOMBSTONED", serverTime: now } };
      if (r.state === "PENDING") return problem(409, "SETTLEMENT_IN_PROGRESS", `${txn} is being processed`);
      if (r.state === "CANCELLED") return problem(409, "CONFLICT", `${txn} was cancelled`);
      if (r.state === "SETTLED" && r.setlinfo) {
        this.ledger(txn, "reverse", ledgerKey(r), negate(JSON.parse(r.setlinfo) as SetlInfo), -1);
      }
      this.db.prepare("UPDATE settlements SET state = 'REVERSED', updated_at = ? WHERE txn_serial = ?").run(now, txn);
      return { status: 200, body: { txnSerial: txn, state: "REVERSED", serverTime: now } };
    })();
  }

  /** S5 (2208): business cancellation under its own Idempotency-Key; answers a negative setlinfo. */
  cancel(txn: string, key: string | undefined, body: { setlId: string; psnNo: string }): SettlementReply {
    if (!key) return problem(400, "INVALID_INPUT", "Idempotency-Key (the cancel serial) is required");
    const hash = sha256Hex(canonicalJson({ txn, body }));
    return this.db.transaction((): SettlementReply => {
      const now = this.now();
      const prior = this.db
        .prepare<[string], { body_hash: string; response_status: number; response_body: string }>(
          "SELECT * FROM idempotency WHERE key = ?",
        )
        .get(`cancel:${key}`);
      if (prior) {
        if (prior.body_hash !== hash)
          return problem(422, "IDEMPOTENCY_KEY_REUSED", `cancel serial ${key} was used with a different body`);
        return {
          status: prior.response_status,
          body: { ...(JSON.parse(prior.response_body) as Record<string, unknown>), serverTime: now },
        };
      }
      const r = this.row(txn);
      if (r?.state !== "SETTLED" || r.setl_id !== body.setlId || !r.setlinfo) {
        return problem(409, "CONFLICT", `${txn} is not a settled transaction with setlId ${body.setlId}`);
      }
      const neg = negate(JSON.parse(r.setlinfo) as SetlInfo);
      this.ledger(txn, "cancel", ledgerKey(r), neg, -1);
      this.db.prepare("UPDATE settlements SET state = 'CANCELLED', updated_at = ? WHERE txn_serial = ?").run(now, txn);
      const reply = { txnSerial: txn, cancelSerial: key, setlinfo: neg };
      this.db
        .prepare(
          "INSERT INTO idempotency (key, scope, body_hash, response_status, response_body) VALUES (?, 'cancel', ?, 200, ?)",
        )
        .run(`cancel:${key}`, hash, JSON.stringify(reply));
      return { status: 200, body: { ...reply, serverTime: now } };
    })();
  }

  /** S6 (3201/3202): platform totals vs the terminal's, per (insutype, clrType); every submission is kept. */
  reconcile(
    orgId: string,
    date: string,
    req: {
      totals: Array<{
        insutype: string;
        clrType: string;
        count: number;
        medfeeTotal: number;
        fundPayTotal: number;
        acctPayTotal: number;
      }>;
      details?: Array<{ txnSerial: string; setlId: string; feeTotal: number }>;
    },
  ): SettlementReply {
    const now = this.now();
    const platform = this.db
      .prepare<
        [string, string],
        { insutype: string; clr_type: string; count: number; fee: number; fund: number; acct: number }
      >(
        `SELECT insutype, clr_type, sum(count_delta) AS count, sum(fee_total) AS fee, sum(fund_pay) AS fund, sum(acct_pay) AS acct
         FROM ledger WHERE org_id = ? AND date = ? GROUP BY insutype, clr_type`,
      )
      .all(orgId, date);
    const diffs: Array<{
      key: string;
      field: string;
      terminal: number | string | null;
      platform: number | string | null;
    }> = [];
    const keys = new Set([
      ...platform.map((p) => `${p.insutype}/${p.clr_type}`),
      ...req.totals.map((t) => `${t.insutype}/${t.clrType}`),
    ]);
    for (const key of keys) {
      const p = platform.find((x) => `${x.insutype}/${x.clr_type}` === key);
      const t = req.totals.find((x) => `${x.insutype}/${x.clrType}` === key);
      const pairs: Array<[string, number | null, number | null]> = [
        ["count", t?.count ?? null, p?.count ?? null],
        ["medfeeTotal", t?.medfeeTotal ?? null, p?.fee ?? null],
        ["fundPayTotal", t?.fundPayTotal ?? null, p?.fund ?? null],
        ["acctPayTotal", t?.acctPayTotal ?? null, p?.acct ?? null],
      ];
      for (const [field, tv, pv] of pairs)
        if ((tv ?? 0) !== (pv ?? 0)) diffs.push({ key, field, terminal: tv, platform: pv });
    }
    if (req.details) {
      const settled = new Set(
        this.db
          .prepare<[string, string], { txn_serial: string }>(
            "SELECT txn_serial FROM settlements WHERE org_id = ? AND settled_date = ? AND state = 'SETTLED'",
          )
          .all(orgId, date)
          .map((r) => r.txn_serial),
      );
      const sent = new Set(req.details.map((d) => d.txnSerial));
      for (const s of settled)
        if (!sent.has(s)) diffs.push({ key: s, field: "detail", terminal: null, platform: "SETTLED" });
      for (const s of sent)
        if (!settled.has(s)) diffs.push({ key: s, field: "detail", terminal: "SETTLED", platform: null });
    }
    const result = diffs.length === 0 ? "match" : "mismatch";
    this.db
      .prepare(
        "INSERT INTO reconciliations (org_id, date, submitted_at, request, result, diffs) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(orgId, date, now, JSON.stringify(req), result, JSON.stringify(diffs));
    return { status: 200, body: { result, diffs, serverTime: now } };
  }

  view(): { settlements: unknown[]; ledger: unknown[]; effectsByTxn: Record<string, number> } {
    const settlements = this.db
      .prepare(
        "SELECT txn_serial, state, tombstone, terminal_id, org_id, setl_id, setlinfo, settled_date FROM settlements ORDER BY created_at",
      )
      .all();
    const ledger = this.db.prepare("SELECT * FROM ledger ORDER BY id").all() as Array<{
      txn_serial: string;
      kind: string;
    }>;
    const effectsByTxn: Record<string, number> = {};
    for (const l of ledger) if (l.kind === "settle") effectsByTxn[l.txn_serial] = (effectsByTxn[l.txn_serial] ?? 0) + 1;
    return { settlements, ledger, effectsByTxn };
  }
}
