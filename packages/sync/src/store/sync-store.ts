import { statSync } from "node:fs";
import { RhcError } from "@rhc/errors";
import { AuditLog } from "../audit/audit-log.js";
import { CrlStore } from "../downlink/crl-store.js";
import { Hotlist } from "../downlink/hotlist.js";
import type { EventInput } from "../events/envelope.js";
import type { EventType } from "../events/event-types.js";
import { IdentityCache } from "../identity/identity.js";
import { type AppendResult, Outbox } from "../outbox/outbox.js";
import { readStatus, type SyncStatus } from "../status/status.js";
import { type Clock, type Random, systemClock, systemRandom } from "../util/clock.js";
import type { StoreAlert, StoreContext } from "./context.js";
import { type Db, openDatabase } from "./database.js";
import { Meta } from "./meta.js";
import { storeError } from "./sqlite-errors.js";

export interface OpenSyncStoreOptions {
  path: string;
  terminalId: string;
  clock?: Clock;
  random?: Random;
  /** TTL of cached identity answers for offline lookups (default 7 days). */
  identityTtlMs?: number;
  /** `wal_checkpoint(TRUNCATE)` runs when the -wal file passes this size (default 16 MiB). */
  walCheckpointBytes?: number;
  /** How often the store checks the WAL size (default 10 s; 0 disables the timer). */
  checkpointIntervalMs?: number;
}

export interface SyncStore {
  readonly terminalId: string;
  readonly path: string;
  readonly outbox: Outbox & { append<T extends EventType>(input: EventInput<T>): AppendResult };
  readonly hotlist: Hotlist;
  readonly crl: CrlStore;
  readonly identity: IdentityCache;
  readonly audit: AuditLog;
  /** Internal context shared with delivery and settlement (same connection). */
  readonly context: StoreContext;
  status(): SyncStatus;
  /** Runs a TRUNCATE checkpoint if the WAL is over the threshold; returns the WAL size after. */
  checkpoint(force?: boolean): number;
  close(): void;
}

/** Keeps the last few alerts; older ones stay in the audit log. */
const MAX_ALERTS = 20;

/**
 * Opens the terminal's sync store: one SQLite file (WAL, synchronous=FULL), checked with
 * `quick_check` at open. A corrupt file is quarantined (renamed) and a fresh store created, with a
 * STORE_CORRUPT alert in `status().alerts`.
 */
export function openSyncStore(options: OpenSyncStoreOptions): SyncStore {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const opened = openDatabase(options.path, clock.now());
  const db: Db = opened.db;
  const meta = new Meta(db);
  const audit = new AuditLog(db, () => clock.now());

  const write = <T>(what: string, fn: () => T): T => {
    try {
      return db.inTransaction ? fn() : db.transaction(fn).immediate();
    } catch (err) {
      throw storeError(err, what);
    }
  };
  const ctx: StoreContext = {
    db,
    meta,
    audit,
    clock,
    random,
    terminalId: options.terminalId,
    write,
    alert(a) {
      write("alert", () => {
        const list = meta.get<StoreAlert[]>("alerts") ?? [];
        list.push({ ...a, at: clock.now() });
        meta.set("alerts", list.slice(-MAX_ALERTS));
        audit.append("alert", a.code, { detail: a.detail, ...(a.data ?? {}) });
      });
    },
  };

  write("terminal identity", () => {
    const stored = meta.get<string>("terminalId");
    if (stored === undefined) meta.set("terminalId", options.terminalId);
    else if (stored !== options.terminalId) {
      throw new RhcError("CONFIG_INVALID", {
        detail: `store ${options.path} belongs to terminal ${stored}, not ${options.terminalId}`,
      });
    }
  });
  if (opened.quarantined) {
    ctx.alert({
      code: "STORE_CORRUPT",
      detail: `quarantined to ${opened.quarantined.path}: ${opened.quarantined.reason}`,
      data: { quarantinedPath: opened.quarantined.path },
    });
  }

  const outbox = new Outbox(ctx);
  const hotlist = new Hotlist(ctx);
  const crl = new CrlStore(ctx);
  const identity = new IdentityCache(ctx, options.identityTtlMs);
  const walPath = `${options.path}-wal`;
  const walBytes = () => {
    try {
      return statSync(walPath).size;
    } catch {
      return 0;
    }
  };
  const threshold = options.walCheckpointBytes ?? 16 * 1024 * 1024;
  const checkpoint = (force = false) => {
    if (force || walBytes() > threshold) {
      try {
        db.pragma("wal_checkpoint(TRUNCATE)");
      } catch (err) {
        throw storeError(err, "wal checkpoint");
      }
    }
    return walBytes();
  };
  const interval = options.checkpointIntervalMs ?? 10_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          try {
            checkpoint();
          } catch {
            // a busy checkpoint is retried on the next tick
          }
        }, interval)
      : undefined;
  timer?.unref();

  return {
    terminalId: options.terminalId,
    path: options.path,
    outbox,
    hotlist,
    crl,
    identity,
    audit,
    context: ctx,
    status: () => readStatus(ctx, { outbox, hotlist, crl, walBytes }),
    checkpoint,
    close() {
      if (timer) clearInterval(timer);
      if (db.open) db.close();
    },
  };
}
