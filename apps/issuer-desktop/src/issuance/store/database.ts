import { toRhcError } from "@rhc/errors";
import type Database from "better-sqlite3";

export type Db = Database.Database;

/**
 * Schema migrations of the desk tables, applied in order and recorded in `desk_schema`.
 * Append only: a shipped migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  `
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
    plan TEXT,
    event_id TEXT,
    error_code TEXT,
    error_detail TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, row)
  );
  CREATE INDEX batch_items_state ON batch_items(batch_id, state);

  -- One row per physical card: a replacement card may carry the same card number as the card it replaces.
  CREATE TABLE cards (
    chip_serial TEXT PRIMARY KEY,
    card_no TEXT NOT NULL,
    issue_serial TEXT NOT NULL UNIQUE,
    citizen_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('issued','lost','replaced','blocked')),
    key_version INTEGER NOT NULL,
    resident TEXT NOT NULL,
    photo BLOB,
    issued_at TEXT NOT NULL,
    event_id TEXT NOT NULL,
    replaces TEXT REFERENCES cards(chip_serial),
    replaced_by TEXT REFERENCES cards(chip_serial)
  );
  CREATE INDEX cards_card_no ON cards(card_no);
  CREATE INDEX cards_citizen ON cards(citizen_id);
  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `,
  `
  -- Personalisations that reached ACTIVATE but were not recorded yet (no keys or PINs: the plan only).
  CREATE TABLE activation_attempts (
    chip_serial TEXT PRIMARY KEY,
    issue_serial TEXT NOT NULL,
    card_no TEXT NOT NULL,
    citizen_id TEXT NOT NULL,
    prepared TEXT NOT NULL,
    replaces TEXT,
    operator_id TEXT NOT NULL,
    started_at TEXT NOT NULL
  );
  CREATE INDEX activation_attempts_issue_serial ON activation_attempts(issue_serial);
  `,
];

/**
 * Adds the desk tables to the issuer's SQLite file. The file is the sync store's (`openSyncStore`:
 * WAL, synchronous=FULL, outbox, hotlist, audit log), so a card row, its audit record and its
 * `card.issued` event commit in one transaction. The sync schema owns `user_version`; the desk
 * schema keeps its own version table.
 */
export function applyDeskSchema(db: Db): void {
  try {
    db.exec("CREATE TABLE IF NOT EXISTS desk_schema (version INTEGER NOT NULL)");
    const row = db.prepare("SELECT version FROM desk_schema").get() as { version: number } | undefined;
    for (let v = row?.version ?? 0; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.exec("DELETE FROM desk_schema");
        db.prepare("INSERT INTO desk_schema (version) VALUES (?)").run(v + 1);
      }).immediate();
    }
  } catch (error) {
    throw toRhcError(error, "INTERNAL", "cannot create the desk tables");
  }
}
