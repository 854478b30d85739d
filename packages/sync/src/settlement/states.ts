/**
 * Local settlement states (platform contract §3.3). UNKNOWN leaves only through a status query or a
 * reversal; nothing else may move it, and no new settle may run for the same charge batch meanwhile.
 */
export type SettlementState = "PENDING" | "SETTLED" | "FAILED" | "UNKNOWN" | "REVERSED" | "CANCELLED";

export type SettlementCause = "settle.ok" | "settle.refused" | "settle.unknown" | "status" | "reverse" | "cancel";

/** Allowed transitions: from → cause → possible targets. Data, checked on every change. */
export const SETTLEMENT_TRANSITIONS: Record<
  SettlementState,
  Partial<Record<SettlementCause, readonly SettlementState[]>>
> = {
  PENDING: {
    "settle.ok": ["SETTLED"],
    "settle.refused": ["FAILED"],
    "settle.unknown": ["UNKNOWN"],
    // a crash while PENDING is resolved like UNKNOWN
    status: ["SETTLED", "FAILED", "REVERSED", "CANCELLED"],
    reverse: ["REVERSED"],
  },
  UNKNOWN: {
    status: ["SETTLED", "FAILED", "REVERSED", "CANCELLED"],
    reverse: ["REVERSED"],
  },
  SETTLED: { reverse: ["REVERSED"], cancel: ["CANCELLED"], status: ["REVERSED", "CANCELLED"] },
  FAILED: {},
  REVERSED: {},
  CANCELLED: {},
};

export function canTransition(from: SettlementState, cause: SettlementCause, to: SettlementState): boolean {
  return SETTLEMENT_TRANSITIONS[from][cause]?.includes(to) ?? false;
}

export const OPEN_STATES: readonly SettlementState[] = ["PENDING", "UNKNOWN"];
