import { RhcError } from "@rhc/errors";
import type { Outbox } from "../outbox/outbox.js";
import type { PlatformClient } from "../platform/client.js";
import type { ReconResponse, ReconTotals, SetlInfo, SettlementInput } from "../platform/wire.js";
import { settlementInputSchema } from "../platform/wire.js";
import type { StoreContext } from "../store/context.js";
import { canTransition, OPEN_STATES, type SettlementCause, type SettlementState } from "./states.js";

export interface SettlementRecord {
  txnSerial: string;
  state: SettlementState;
  chrgBatchNo: string;
  request: SettlementInput;
  setlId: string | null;
  setlinfo: SetlInfo | null;
  reversalState: "prepared" | "disarmed" | "requested" | "done";
  reversalReason: string | null;
  lastError: string | null;
  settledDate: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Errors after which the platform certainly did not settle (it refused before any effect). */
const DEFINITIVE = new Set([
  "SETTLEMENT_REFUSED",
  "IDEMPOTENCY_KEY_REUSED",
  "SETTLEMENT_TOMBSTONED",
  "PLATFORM_UNAUTHORIZED",
]);

/** Settlement day in China Standard Time (UTC+8), the day reconciliation counts it in. */
export function settlementDate(serverTime: string): string {
  return new Date(Date.parse(serverTime) + 8 * 3600_000).toISOString().slice(0, 10);
}

function rowToRecord(r: Record<string, string | number | null>): SettlementRecord {
  return {
    txnSerial: r.txn_serial as string,
    state: r.state as SettlementState,
    chrgBatchNo: r.chrg_batch_no as string,
    request: JSON.parse(r.request as string) as SettlementInput,
    setlId: r.setl_id as string | null,
    setlinfo: r.setlinfo ? (JSON.parse(r.setlinfo as string) as SetlInfo) : null,
    reversalState: r.reversal_state as SettlementRecord["reversalState"],
    reversalReason: r.reversal_reason as string | null,
    lastError: r.last_error as string | null,
    settledDate: r.settled_date as string | null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

/**
 * The terminal side of settlement (S1–S6). The intent (and its reversal) is committed before the
 * request leaves; a timeout is UNKNOWN, resolved only by `resolve` (status query) or `reverse`.
 */
export class SettlementService {
  constructor(
    private readonly ctx: StoreContext,
    private readonly outbox: Outbox,
    private readonly client: PlatformClient,
  ) {}

  get(txnSerial: string): SettlementRecord | undefined {
    const row = this.ctx.db.prepare("SELECT * FROM settlements WHERE txn_serial = ?").get(txnSerial) as
      | Record<string, string | number | null>
      | undefined;
    return row ? rowToRecord(row) : undefined;
  }

  list(states?: readonly SettlementState[]): SettlementRecord[] {
    const rows = this.ctx.db.prepare("SELECT * FROM settlements ORDER BY created_at").all() as Array<
      Record<string, string | number | null>
    >;
    return rows.map(rowToRecord).filter((r) => !states || states.includes(r.state));
  }

  private transition(
    txnSerial: string,
    cause: SettlementCause,
    to: SettlementState,
    fields: Record<string, string | null> = {},
  ): SettlementRecord {
    return this.ctx.write("settlement transition", () => {
      const current = this.get(txnSerial);
      if (!current) throw new RhcError("NOT_FOUND", { detail: `settlement ${txnSerial}` });
      if (current.state !== to && !canTransition(current.state, cause, to)) {
        throw new RhcError("CONFLICT", {
          detail: `settlement ${txnSerial}: ${current.state} --${cause}--> ${to} is not allowed`,
        });
      }
      const sets = Object.keys(fields).map((k) => `${k} = @${k}`);
      this.ctx.db
        .prepare(
          `UPDATE settlements SET state = @state, updated_at = @now${sets.length ? `, ${sets.join(", ")}` : ""} WHERE txn_serial = @txn`,
        )
        .run({ ...fields, state: to, now: this.ctx.clock.now(), txn: txnSerial });
      this.ctx.audit.append("settlement.transition", to, { txnSerial, from: current.state, cause });
      const next = this.get(txnSerial)!;
      if (current.state !== to && (to === "SETTLED" || to === "FAILED" || to === "REVERSED" || to === "CANCELLED")) {
        // The settlement record and its audit reach the platform through the outbox (at-least-once).
        this.outbox.append({
          type: "settlement.recorded",
          aggregate: { kind: "settlement", id: txnSerial },
          subject: {},
          actor: { kind: "system", id: this.ctx.terminalId },
          payload: {
            txnSerial,
            state: to,
            feeTotal: next.request.feeTotal,
            ...(next.setlId ? { setlId: next.setlId } : {}),
            ...(next.setlinfo
              ? { fundPay: next.setlinfo.fundPay, acctPay: next.setlinfo.acctPay, cashPay: next.setlinfo.cashPay }
              : {}),
          },
        });
      }
      return next;
    });
  }

  /** S1: pure quote, nothing persisted, safe to repeat. */
  presettle(txnSerial: string, input: SettlementInput) {
    return this.client.presettle(txnSerial, settlementInputSchema.parse(input));
  }

  /**
   * S2. Commits the intent with its prepared reversal, then sends. Returns the SETTLED record;
   * throws SETTLEMENT_UNKNOWN when the outcome is unknown (do not settle again: resolve or reverse).
   */
  async settle(txnSerial: string, input: SettlementInput & { quoteId?: string }): Promise<SettlementRecord> {
    const parsed = settlementInputSchema.safeParse(input);
    if (!parsed.success)
      throw new RhcError("INVALID_INPUT", {
        detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
    const request = parsed.data;
    this.ctx.write("settlement intent", () => {
      const existing = this.get(txnSerial);
      if (existing?.state === "SETTLED") return;
      if (existing)
        throw new RhcError(OPEN_STATES.includes(existing.state) ? "SETTLEMENT_UNKNOWN" : "CONFLICT", {
          detail: `${txnSerial} is ${existing.state}`,
          data: { txnSerial },
        });
      const open = this.ctx.db
        .prepare<[string], { txn_serial: string }>(
          "SELECT txn_serial FROM settlements WHERE chrg_batch_no = ? AND state IN ('PENDING', 'UNKNOWN')",
        )
        .get(request.chrgBatchNo);
      if (open)
        throw new RhcError("SETTLEMENT_UNKNOWN", {
          detail: `charge batch ${request.chrgBatchNo} has unresolved ${open.txn_serial}`,
          data: { txnSerial: open.txn_serial },
        });
      const now = this.ctx.clock.now();
      this.ctx.db
        .prepare(
          `INSERT INTO settlements (txn_serial, state, chrg_batch_no, request, reversal_state, created_at, updated_at)
           VALUES (?, 'PENDING', ?, ?, 'prepared', ?, ?)`,
        )
        .run(txnSerial, request.chrgBatchNo, JSON.stringify(request), now, now);
      this.ctx.audit.append("settlement.intent", "PENDING", {
        txnSerial,
        chrgBatchNo: request.chrgBatchNo,
        feeTotal: request.feeTotal,
      });
    });
    const current = this.get(txnSerial)!;
    if (current.state === "SETTLED") return current;
    try {
      const res = await this.client.settle(txnSerial, {
        ...request,
        ...(input.quoteId ? { quoteId: input.quoteId } : {}),
      });
      return this.transition(txnSerial, "settle.ok", "SETTLED", {
        setl_id: res.setlId,
        setlinfo: JSON.stringify(res.setlinfo),
        reversal_state: "disarmed",
        settled_date: settlementDate(res.serverTime),
      });
    } catch (err) {
      const e = err instanceof RhcError ? err : new RhcError("PLATFORM_ERROR", { cause: err });
      if (DEFINITIVE.has(e.code)) {
        this.transition(txnSerial, "settle.refused", "FAILED", {
          last_error: `${e.code}: ${e.detail ?? ""}`,
          reversal_state: "disarmed",
        });
        throw e;
      }
      this.transition(txnSerial, "settle.unknown", "UNKNOWN", { last_error: `${e.code}: ${e.detail ?? ""}` });
      throw new RhcError("SETTLEMENT_UNKNOWN", { detail: `${txnSerial}: ${e.code}`, data: { txnSerial }, cause: e });
    }
  }

  /** S3: resolves an UNKNOWN (or crash-leftover PENDING) settlement by asking the platform. */
  async resolve(txnSerial: string): Promise<SettlementRecord> {
    const rec = this.get(txnSerial);
    if (!rec) throw new RhcError("NOT_FOUND", { detail: `settlement ${txnSerial}` });
    const remote = await this.client.settlementStatus(txnSerial);
    switch (remote.state) {
      case "SETTLED":
        return this.transition(txnSerial, "status", "SETTLED", {
          setl_id: remote.setlId ?? null,
          setlinfo: remote.setlinfo ? JSON.stringify(remote.setlinfo) : null,
          reversal_state: "disarmed",
          settled_date: settlementDate(remote.serverTime),
        });
      case "FAILED":
      case "REVERSED":
      case "CANCELLED":
        return this.transition(txnSerial, "status", remote.state);
      case "NOT_FOUND":
        // Never arrived (or still in flight): reverse, so a late original is refused by the tombstone.
        return this.reverse(txnSerial, "unknown outcome: not found at the platform");
      default:
        return rec;
    }
  }

  /** S4: the reversal request is committed first, then sent; retried by `recover` until it lands. */
  async reverse(txnSerial: string, reason: string): Promise<SettlementRecord> {
    const rec = this.ctx.write("settlement reversal intent", () => {
      const r = this.get(txnSerial);
      if (!r) throw new RhcError("NOT_FOUND", { detail: `settlement ${txnSerial}` });
      if (r.state === "REVERSED") return r;
      if (!canTransition(r.state, "reverse", "REVERSED"))
        throw new RhcError("CONFLICT", { detail: `${txnSerial} is ${r.state}` });
      this.ctx.db
        .prepare("UPDATE settlements SET reversal_state = 'requested', reversal_reason = ? WHERE txn_serial = ?")
        .run(reason, txnSerial);
      this.ctx.audit.append("settlement.reversal", "requested", { txnSerial, reason });
      return r;
    });
    if (rec.state === "REVERSED") return rec;
    const res = await this.client.reverse(txnSerial, reason, new Date(this.ctx.clock.now()).toISOString());
    return this.transition(txnSerial, "reverse", "REVERSED", {
      reversal_state: "done",
      last_error: res.state === "NOT_FOUND_TOMBSTONED" ? "tombstoned" : null,
    });
  }

  /** S5: business cancellation of a SETTLED transaction under its own serial. */
  async cancel(txnSerial: string, cancelSerial: string): Promise<SettlementRecord> {
    const rec = this.get(txnSerial);
    if (rec?.state !== "SETTLED" || !rec.setlId)
      throw new RhcError("CONFLICT", { detail: `${txnSerial} is ${rec?.state ?? "unknown"}` });
    await this.client.cancel(txnSerial, cancelSerial, { setlId: rec.setlId, psnNo: rec.request.psnNo });
    return this.transition(txnSerial, "cancel", "CANCELLED");
  }

  /**
   * After a restart or on the periodic timer: PENDING leftovers become UNKNOWN and are resolved,
   * requested reversals are re-sent. Errors stay on the record; the next round retries.
   */
  async recover(): Promise<{ resolved: number; pending: number }> {
    let resolved = 0;
    for (const r of this.list(["PENDING", "UNKNOWN", "SETTLED"])) {
      try {
        if (r.reversalState === "requested") await this.reverse(r.txnSerial, r.reversalReason ?? "recovery");
        else if (r.state === "SETTLED") continue;
        else await this.resolve(r.txnSerial);
        resolved++;
      } catch (err) {
        const e = err instanceof RhcError ? err : new RhcError("INTERNAL", { cause: err });
        this.ctx.write("settlement error", () =>
          this.ctx.db
            .prepare("UPDATE settlements SET last_error = ? WHERE txn_serial = ?")
            .run(`${e.code}: ${e.detail ?? ""}`, r.txnSerial),
        );
      }
    }
    return { resolved, pending: this.list(["PENDING", "UNKNOWN"]).length };
  }

  /** Local totals of one day per (insutype, clrType): SETTLED only (reversed/cancelled net to zero). */
  localTotals(orgId: string, date: string): ReconTotals[] {
    const groups = new Map<string, ReconTotals>();
    for (const r of this.list(["SETTLED"])) {
      if (r.settledDate !== date || r.request.orgId !== orgId || !r.setlinfo) continue;
      const key = `${r.request.insutype}/${r.request.clrType}`;
      const g = groups.get(key) ?? {
        insutype: r.request.insutype,
        clrType: r.request.clrType,
        count: 0,
        medfeeTotal: 0,
        fundPayTotal: 0,
        acctPayTotal: 0,
      };
      g.count++;
      g.medfeeTotal += r.setlinfo.feeTotal;
      g.fundPayTotal += r.setlinfo.fundPay;
      g.acctPayTotal += r.setlinfo.acctPay;
      groups.set(key, g);
    }
    return [...groups.values()];
  }

  /** S6: sends the day's totals and detail; every mismatch is returned (never fixed silently). */
  async reconcile(orgId: string, date: string): Promise<ReconResponse> {
    const totals = this.localTotals(orgId, date);
    const details = this.list(["SETTLED"])
      .filter((r) => r.settledDate === date && r.request.orgId === orgId && r.setlId)
      .map((r) => ({ txnSerial: r.txnSerial, setlId: r.setlId!, feeTotal: r.request.feeTotal }));
    const res = await this.client.reconcile(orgId, date, totals, details);
    this.ctx.write("reconciliation audit", () =>
      this.ctx.audit.append("settlement.reconcile", res.result, { orgId, date, diffs: res.diffs.length }),
    );
    return res;
  }
}
