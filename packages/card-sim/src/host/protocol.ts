import type { RhcProblem } from "@rhc/errors";
import type { FaultPlan } from "../faults/plan.js";
import type { CardSpec } from "../sim-card.js";

/** Messages between `CardHost` (test or CLI thread) and the worker that runs the cards. */
export type HostRequest = { id: number } & (
  | { op: "insert"; port: number; host?: string; card: CardSpec }
  | { op: "remove"; port: number }
  | { op: "control"; port: number; command: string; args?: unknown }
  | { op: "faults"; port: number; plan: FaultPlan }
  | { op: "status" }
);

export type HostResponse =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; problem?: RhcProblem; message: string };

export interface SlotStatus {
  port: number;
  inserted: boolean;
  apduCount: number;
  type: string;
}
