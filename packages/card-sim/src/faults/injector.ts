import { randomBytes } from "node:crypto";
import { type FaultPlan, faultPlanSchema, type ParsedFaultPlan } from "./plan.js";

/** What the vpcd layer does with one APDU. */
export type FaultAction =
  | { kind: "run"; delayMs: number; transform?: (response: Uint8Array) => Uint8Array; removeAfter: boolean }
  | { kind: "status"; delayMs: number; sw: number; removeAfter: boolean }
  | { kind: "tear"; applied: boolean }
  | { kind: "mute"; releaseAfterMs: number };

const within = (n: number, at: number, count: number) => n >= at && n < at + count;

/** Decides per APDU which fault applies; pure apart from the counters, so it is unit-testable. */
export class FaultInjector {
  private plan: ParsedFaultPlan = {};
  private count = 0;
  private forced: { sw: number; ins?: number; cla?: number; left: number }[] = [];

  set(plan: FaultPlan): ParsedFaultPlan {
    this.plan = faultPlanSchema.parse(plan);
    this.count = 0;
    this.forced = (this.plan.forceSw ?? []).map((f) => ({
      ...f,
      left: f.times === 0 ? Number.POSITIVE_INFINITY : f.times,
    }));
    return this.plan;
  }

  clear(): void {
    this.set({});
  }

  get active(): ParsedFaultPlan {
    return this.plan;
  }

  next(apdu: Uint8Array): FaultAction {
    const n = ++this.count;
    const p = this.plan;
    const delayMs = p.delayMs ?? 0;
    if (p.mute && n >= p.mute.atApdu) return { kind: "mute", releaseAfterMs: p.mute.releaseAfterMs };
    if (p.tear && n === p.tear.atApdu) return { kind: "tear", applied: p.tear.applied };
    const removeAfter = p.removeAfterApdus !== undefined && n >= p.removeAfterApdus;
    const forced = this.forced.find(
      (f) => f.left > 0 && (f.ins === undefined || f.ins === apdu[1]) && (f.cla === undefined || f.cla === apdu[0]),
    );
    if (forced) {
      forced.left--;
      return { kind: "status", sw: forced.sw, delayMs, removeAfter };
    }
    if (p.garbage && within(n, p.garbage.atApdu, p.garbage.count)) {
      return {
        kind: "run",
        delayMs,
        removeAfter,
        transform: (r) => new Uint8Array(randomBytes(Math.max(1, r.length))),
      };
    }
    const t = p.truncate;
    if (t && within(n, t.atApdu, t.count))
      return { kind: "run", delayMs, removeAfter, transform: (r) => r.slice(0, t.keep) };
    return { kind: "run", delayMs, removeAfter };
  }
}
