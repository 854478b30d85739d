import { existsSync, renameSync } from "node:fs";
import Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations.js";
import { storeError } from "./sqlite-errors.js";

export type Db = Database.Database;

/** Durability settings of the outbox (platform contract §5.3). FULL: commits survive power loss. */
export const STORE_PRAGMAS: readonly string[] = [
  "journal_mode = WAL",
  "synchronous = FULL",
  "busy_timeout = 5000",
  "foreign_keys = ON",
  "wal_autocheckpoint = 1000",
  "journal_size_limit = 67108864",
];

export interface OpenedDatabase {
  db: Db;
  /** Set when the previous file failed quick_check and was renamed aside. */
  quarantined?: { path: string; reason: string };
  /** True when the file was created by this open (no schema before). */
  created: boolean;
}

function applyPragmas(db: Db): void {
  for (const p of STORE_PRAGMAS) db.pragma(p);
}

function quickCheck(db: Db): string {
  const rows = db.pragma("quick_check") as Array<{ quick_check: string }>;
  return rows.map((r) => r.quick_check).join("; ");
}

function migrate(db: Db): boolean {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`database schema ${version} is newer than this software (${MIGRATIONS.length})`);
  }
  db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  return version === 0;
}

function quarantine(path: string, now: number): string {
  const target = `${path}.corrupt-${now}`;
  renameSync(path, target);
  // The WAL and shared-memory files belong to the corrupt image: keep them next to it.
  for (const suffix of ["-wal", "-shm"]) if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  return target;
}

/**
 * Opens (or creates) the sync database: pragmas, `quick_check`, migrations. A file that fails the
 * check is renamed aside (kept for forensics) and a fresh database is created in its place.
 */
export function openDatabase(path: string, now: number): OpenedDatabase {
  let quarantined: OpenedDatabase["quarantined"];
  if (existsSync(path)) {
    let reason: string | undefined;
    let db: Db | undefined;
    try {
      db = new Database(path);
      applyPragmas(db);
      const check = quickCheck(db);
      if (check !== "ok") reason = check;
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    if (reason === undefined && db) {
      try {
        return { db, created: migrate(db) };
      } catch (err) {
        db.close();
        throw storeError(err, `migrating ${path}`);
      }
    }
    try {
      db?.close();
    } catch {
      // closing a corrupt handle may fail; the file is renamed anyway
    }
    quarantined = { path: quarantine(path, now), reason: reason ?? "unknown" };
  }
  try {
    const db = new Database(path);
    applyPragmas(db);
    migrate(db);
    return { db, created: true, ...(quarantined ? { quarantined } : {}) };
  } catch (err) {
    throw storeError(err, `creating ${path}`);
  }
}
