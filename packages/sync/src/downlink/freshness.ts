/**
 * [P] Downlink freshness policy (guarantee 7): how old a lost-card list or CRL may be before a check
 * warns, then denies. Apps choose the thresholds; the sync package only measures the age.
 */
export interface FreshnessPolicy {
  warnAfterMs: number;
  denyAfterMs: number;
}

export const DEFAULT_FRESHNESS: FreshnessPolicy = { warnAfterMs: 24 * 3600_000, denyAfterMs: 7 * 24 * 3600_000 };

export type Freshness = "fresh" | "warn" | "deny";

/** A list never loaded (age null) is treated as too old: fail closed. */
export function freshness(ageMs: number | null, policy: FreshnessPolicy = DEFAULT_FRESHNESS): Freshness {
  if (ageMs === null || ageMs > policy.denyAfterMs) return "deny";
  return ageMs > policy.warnAfterMs ? "warn" : "fresh";
}
