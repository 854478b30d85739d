import type { ErrorCode } from "@rhc/errors";
import type { AuditLog } from "../audit/audit-log.js";
import type { Clock, Random } from "../util/clock.js";
import type { Db } from "./database.js";
import type { Meta } from "./meta.js";

/** An operator-visible condition (status().alerts), e.g. a quarantined database. */
export interface StoreAlert {
  code: ErrorCode;
  at: number;
  detail: string;
  data?: Record<string, unknown>;
}

/** What every part of the store shares: one connection, its meta table, audit, clock, randomness. */
export interface StoreContext {
  readonly db: Db;
  readonly meta: Meta;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly random: Random;
  readonly terminalId: string;
  /** Runs fn in a BEGIN IMMEDIATE transaction (no late lock upgrade), wrapping SQLite errors. */
  write<T>(what: string, fn: () => T): T;
  alert(alert: Omit<StoreAlert, "at">): void;
}
