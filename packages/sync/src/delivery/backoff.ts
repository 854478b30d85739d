import type { Random } from "../util/clock.js";

export interface BackoffPolicy {
  /** First retry ceiling (ms). */
  baseMs: number;
  /** Ceiling of every delay (contract: 10 minutes, PouchDB's cap). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 10 * 60_000 };

/**
 * Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt−1))). Jitter spreads
 * the reconnect of many terminals after an outage (no stampede).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: Random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.floor(random.next() * ceiling);
}
