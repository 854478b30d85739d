import { RhcError } from "@rhc/errors";
import { freshness, type HotlistCheck } from "@rhc/sync";
import type { AgentConfig } from "../config/schema.js";

export interface HotlistDecision {
  listed: false;
  /** The list is past `warnAfterHours` (or never loaded, under `neverLoaded: "warn"`). */
  stale: boolean;
  listVersion: number | null;
  ageMs: number | null;
}

/**
 * Applies the hotlist policy to one lookup. A listed card is refused whatever the list's age (an
 * old list that names the card is still right about it). For an unlisted card the list's age
 * decides (the sync package's freshness levels): fresh passes, past `warnAfterHours` passes with
 * `stale: true`, past `denyAfterHours` is refused with LIST_STALE; a list never loaded follows
 * `neverLoaded`.
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
  const level =
    check.ageMs === null
      ? policy.neverLoaded
      : freshness(check.ageMs, {
          warnAfterMs: policy.warnAfterHours * HOUR,
          denyAfterMs: policy.denyAfterHours * HOUR,
        });
  if (level === "deny") {
    throw new RhcError("LIST_STALE", {
      detail:
        check.ageMs === null
          ? "the lost-card list was never loaded"
          : `the lost-card list is ${Math.round(check.ageMs / HOUR)} h old`,
      data: versions,
    });
  }
  return { listed: false, stale: level === "warn", ...versions };
}

const HOUR = 3_600_000;

/** Card numbers are ID numbers: logs and events for other readers show only the ends. */
export function maskCardNo(cardNo: string): string {
  return cardNo.length <= 8
    ? "*".repeat(cardNo.length)
    : `${cardNo.slice(0, 4)}${"*".repeat(cardNo.length - 8)}${cardNo.slice(-4)}`;
}
