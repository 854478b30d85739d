import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { toRhcError } from "@rhc/errors";
import Database from "better-sqlite3";

export type Db = Database.Database;

/**
 * Schema migrations of the desk database, applied in order and recorded in `user_version`.
 * Append only: a shipped migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  -- Append-only at the storage level too: the chain makes tampering visible, these make it hard.
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

  CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ready','running','paused','done'))
  );
  CREATE TABLE batch_items (
    batch_id TEXT NOT NULL REFERENCES batches(id),
    row INTEGER NOT NULL,
    resident TEXT NOT NULL,
    citizen_id TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending','personalising','verifying','issued','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    chip_serial TEXT,
    event_id TEXT,
    error_code TEXT,
    error_detail TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, row)
  );
  CREATE INDEX batch_items_state ON batch_items(batch_id, state);

  CREATE TABLE cards (
    card_no TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('issued','lost','replaced','blocked')),
    chip_serial TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    resident TEXT NOT NULL,
    photo BLOB,
    issued_at TEXT NOT NULL,
    replaces TEXT,
    replaced_by TEXT
  );
  CREATE INDEX cards_citizen ON cards(citizen_id);
  `,
];

/**
 * Opens (creating if needed) the desk database: WAL + synchronous=FULL, because an issued card
 * that the database forgot is a card nobody can account for.
 */
export function openDatabase(file: string): Db {
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db);
    return db;
  } catch (error) {
    throw toRhcError(error, "INTERNAL", `cannot open the desk database ${file}`);
  }
}

function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
