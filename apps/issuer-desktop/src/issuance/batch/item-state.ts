import { RhcError } from "@rhc/errors";
import type { ItemState } from "../../shared/channels.js";

/**
 * The per-card state machine of a batch (after pySim's resumable batch state):
 *
 *   pending → personalising → verifying → issued
 *      ▲           │  ▲            │
 *      │           │  └ card pulled (re-personalisable, attempt counted)
 *      │           ▼               ▼
 *      │         failed          failed
 *      └──────────────────────────┘ card gone after a crash (the row goes onto a new blank)
 *
 * `issued` and `failed` are final for the run; an operator may send failed rows back to pending.
 */
export const TRANSITIONS: Readonly<Record<ItemState, readonly ItemState[]>> = {
  pending: ["personalising"],
  personalising: ["verifying", "pending", "failed"],
  verifying: ["issued", "pending", "failed"],
  issued: [],
  failed: ["pending"],
};

export function assertTransition(from: ItemState, to: ItemState): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new RhcError("CONFLICT", { detail: `batch item cannot go from ${from} to ${to}` });
  }
}

export const FINAL_STATES: readonly ItemState[] = ["issued", "failed"];
