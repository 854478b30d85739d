/**
 * Schema of the terminal's sync database, as an ordered list of migrations (PRAGMA user_version is
 * the index of the last applied one). Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  -- Pending events only: rows are deleted once the platform acks them (ackedThroughSeq).
  -- body is the wire event without "seq" (seq lives in the key so anchoring can renumber).
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE dead_letter (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    message TEXT,
    dead_at INTEGER NOT NULL
  ) STRICT;

  -- Append-only, hash-chained audit of local transitions and remote exchanges (ATNA style).
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

  CREATE TABLE hotlist_entries (
    card_key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    replaced_by TEXT,
    effective_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    seq INTEGER NOT NULL
  ) STRICT;
  -- Offline report-lost applied at once (fail-closed) until the platform confirms it.
  CREATE TABLE hotlist_local (
    card_key TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE crl (
    issuer_key_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    crl_number TEXT NOT NULL,
    base_crl_number TEXT,
    this_update TEXT NOT NULL,
    next_update TEXT,
    der BLOB NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (issuer_key_id, kind)
  ) STRICT;

  CREATE TABLE identity_cache (
    key TEXT PRIMARY KEY,
    patient TEXT NOT NULL,
    fetched_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE settlements (
    txn_serial TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    chrg_batch_no TEXT NOT NULL,
    request TEXT NOT NULL,
    setl_id TEXT,
    setlinfo TEXT,
    reversal_state TEXT NOT NULL,
    reversal_reason TEXT,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    settled_date TEXT
  ) STRICT;
  CREATE INDEX settlements_open ON settlements (state) WHERE state IN ('PENDING', 'UNKNOWN');
  `,
];
