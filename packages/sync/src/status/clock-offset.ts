import type { StoreContext } from "../store/context.js";

export interface ClockOffset {
  /** serverTime − device time, estimated at the midpoint of the round trip (ms). */
  offsetMs: number;
  rttMs: number;
  measuredAt: number;
  /** |offset| above the threshold: flagged for operators; device timestamps are never rewritten. */
  skewed: boolean;
}

export const DEFAULT_SKEW_THRESHOLD_MS = 5 * 60_000;

/**
 * Clock-offset bookkeeping (T1). Only the estimate is stored: `occurredAt` of events keeps the device
 * clock, and order is by `seq`, so a skewed or jumping clock never reorders anything.
 */
export function recordClockOffset(
  ctx: StoreContext,
  sample: { sentAt: number; receivedAt: number; serverTime: string },
  thresholdMs = DEFAULT_SKEW_THRESHOLD_MS,
): ClockOffset {
  const rttMs = Math.max(0, sample.receivedAt - sample.sentAt);
  const offsetMs = Math.round(Date.parse(sample.serverTime) - (sample.sentAt + rttMs / 2));
  const value: ClockOffset = {
    offsetMs,
    rttMs,
    measuredAt: sample.receivedAt,
    skewed: Math.abs(offsetMs) > thresholdMs,
  };
  ctx.write("clock offset", () => {
    const before = ctx.meta.get<ClockOffset>("clock");
    ctx.meta.set("clock", value);
    if (value.skewed && !before?.skewed) ctx.audit.append("clock.skew", "flagged", { offsetMs, rttMs });
  });
  return value;
}

export function readClockOffset(ctx: StoreContext): ClockOffset | null {
  return ctx.meta.get<ClockOffset>("clock") ?? null;
}
