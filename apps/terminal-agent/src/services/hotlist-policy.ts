import { RhcError } from "@rhc/errors";
import type { HotlistCheck } from "@rhc/sync";
import type { AgentConfig } from "../config/schema.js";

export interface HotlistDecision {
  listed: false;
  /** The list is older than policy allows (or was never loaded) and the policy is "warn". */
  stale: boolean;
  listVersion: number | null;
  ageMs: number | null;
}

/**
 * Applies the hotlist policy to one lookup. A listed card is refused whatever the list's age (an
 * old list that names the card is still right about it). An unlisted card on a stale list (never
 * refreshed, or older than `maxAgeHours`) passes with `stale: true` under "warn", and is refused
 * with LIST_STALE under "deny".
 */
export function applyHotlistPolicy(
  check: HotlistCheck,
  policy: AgentConfig["policy"]["hotlist"],
  cardNo: string,
): HotlistDecision {
  const versions = { listVersion: check.listVersion, ageMs: check.ageMs };
  if (check.listed) {
    throw new RhcError("HOTLISTED", {
      detail: `card ${maskCardNo(cardNo)}: ${check.entry?.status ?? "blocked"} (${check.entry?.reason ?? "no reason given"})`,
      data: {
        ...versions,
        status: check.entry?.status,
        source: check.entry?.source,
        effectiveAt: check.entry?.effectiveAt,
      },
    });
  }
  const stale = check.ageMs === null || check.ageMs > policy.maxAgeHours * 3_600_000;
  if (stale && policy.onStale === "deny") {
    throw new RhcError("LIST_STALE", {
      detail:
        check.ageMs === null
          ? "the lost-card list was never loaded"
          : `the lost-card list is ${Math.round(check.ageMs / 3_600_000)} h old`,
      data: versions,
    });
  }
  return { listed: false, stale, ...versions };
}

/** Card numbers are ID numbers: logs and events for other readers show only the ends. */
export function maskCardNo(cardNo: string): string {
  return cardNo.length <= 8
    ? "*".repeat(cardNo.length)
    : `${cardNo.slice(0, 4)}${"*".repeat(cardNo.length - 8)}${cardNo.slice(-4)}`;
}
