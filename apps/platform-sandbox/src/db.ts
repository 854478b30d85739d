import Database from "better-sqlite3";

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS terminals (
  terminal_id TEXT PRIMARY KEY,
  acked_through_seq INTEGER NOT NULL DEFAULT 0,
  highest_seq INTEGER NOT NULL DEFAULT 0,
  anchored_through_seq INTEGER NOT NULL DEFAULT 0
) STRICT;
-- Dedupe table: unique on event_id and on (terminal_id, seq). Kept (no expiry in the sandbox).
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL,
  status TEXT NOT NULL,
  code TEXT,
  message TEXT,
  body TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 1,
  apply_count INTEGER NOT NULL DEFAULT 0,
  flags TEXT,
  UNIQUE (terminal_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS event_conflicts (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  payload_sha256 TEXT NOT NULL,
  body TEXT NOT NULL,
  reason TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS batches (
  batch_id TEXT PRIMARY KEY,
  terminal_id TEXT NOT NULL,
  receive_count INTEGER NOT NULL,
  events INTEGER NOT NULL,
  sent_at TEXT NOT NULL,
  first_received_at TEXT NOT NULL,
  skew_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS patients (
  empi_id TEXT PRIMARY KEY,
  id_no TEXT UNIQUE,
  name TEXT NOT NULL,
  gender TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  ethnicity TEXT,
  address TEXT,
  phone TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS patient_identifiers (
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  empi_id TEXT NOT NULL REFERENCES patients (empi_id),
  PRIMARY KEY (system, value)
) STRICT;
CREATE TABLE IF NOT EXISTS hotlist_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  card_key TEXT NOT NULL,
  status TEXT NOT NULL,
  replaced_by TEXT,
  effective_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hotlist_current (
  card_key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  replaced_by TEXT,
  effective_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  seq INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS settlements (
  txn_serial TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  tombstone INTEGER NOT NULL DEFAULT 0,
  terminal_id TEXT NOT NULL,
  org_id TEXT,
  insutype TEXT,
  clr_type TEXT,
  body_hash TEXT,
  request TEXT,
  setl_id TEXT,
  setlinfo TEXT,
  response_status INTEGER,
  response_body TEXT,
  settled_date TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  response_status INTEGER NOT NULL,
  response_body TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS ledger (
  id INTEGER PRIMARY KEY,
  txn_serial TEXT NOT NULL,
  kind TEXT NOT NULL,
  org_id TEXT NOT NULL,
  insutype TEXT NOT NULL,
  clr_type TEXT NOT NULL,
  date TEXT NOT NULL,
  count_delta INTEGER NOT NULL,
  fee_total INTEGER NOT NULL,
  fund_pay INTEGER NOT NULL,
  acct_pay INTEGER NOT NULL,
  cash_pay INTEGER NOT NULL,
  at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS reconciliations (
  id INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  date TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  request TEXT NOT NULL,
  result TEXT NOT NULL,
  diffs TEXT NOT NULL
) STRICT;
`;

/** The sandbox's own SQLite file: WAL + synchronous=FULL, so a crash after commit keeps the commit. */
export function openSandboxDb(path: string): Db {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

export function kvGet<T>(db: Db, key: string): T | undefined {
  const row = db.prepare<[string], { value: string }>("SELECT value FROM kv WHERE key = ?").get(key);
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export function kvSet(db: Db, key: string, value: unknown): void {
  db.prepare("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
    key,
    JSON.stringify(value),
  );
}
