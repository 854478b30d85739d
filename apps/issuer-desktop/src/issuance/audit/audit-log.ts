import { createHash } from "node:crypto";
import { RhcError } from "@rhc/errors";
import type { AuditRecord } from "../../shared/channels.js";
import type { Db } from "../store/database.js";
import { canonicalJson } from "./canonical-json.js";

export const GENESIS_HASH = "0".repeat(64);

/** Field names that must never reach the audit log (PINs and key material stay out of storage). */
const SECRET_FIELD = /pin|password|secret|masterkey|privatekey|sessionkey/i;

export interface AuditEntry {
  /** Who: the operator id from the staff card certificate, or "system". */
  actor: string;
  /** What: a dotted verb such as "card.issued", "card.reported_lost", "session.login". */
  action: string;
  /** Which: usually the card number; a batch id for batch events. */
  subject: string;
  data: Record<string, unknown>;
}

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/** The SHA-256 of the previous hash and the canonical JSON of the record's content. */
export function auditHash(prevHash: string, record: Omit<AuditRecord, "hash" | "prevHash">): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(record)).digest("hex");
}

function assertNoSecrets(value: unknown, path: string): void {
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_FIELD.test(k)) {
      throw new RhcError("INVALID_INPUT", { detail: `audit data may not contain secret field ${path}${k}` });
    }
    assertNoSecrets(v, `${path}${k}.`);
  }
}

/**
 * The append-only, hash-chained audit log of the desk (who issued, blocked, replaced or unblocked
 * which card, with which key version and read-back digest). Each record's hash covers the previous
 * hash, so removing or editing any record breaks every later hash; `verify()` walks the chain.
 */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Appends inside the caller's transaction when there is one, so the record and the fact commit together. */
  append(entry: AuditEntry): AuditRecord {
    assertNoSecrets(entry.data, "");
    const last = this.db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").get() as
      | Pick<Row, "seq" | "hash">
      | undefined;
    const content = {
      seq: (last?.seq ?? 0) + 1,
      at: this.clock().toISOString(),
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      data: JSON.parse(canonicalJson(entry.data)) as Record<string, unknown>,
    };
    const prevHash = last?.hash ?? GENESIS_HASH;
    const record: AuditRecord = { ...content, prevHash, hash: auditHash(prevHash, content) };
    this.db
      .prepare(
        "INSERT INTO audit (seq, at, actor, action, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        record.seq,
        record.at,
        record.actor,
        record.action,
        record.subject,
        canonicalJson(record.data),
        record.prevHash,
        record.hash,
      );
    return record;
  }

  /** The newest records first. */
  list(limit = 100): AuditRecord[] {
    const rows = this.db.prepare("SELECT * FROM audit ORDER BY seq DESC LIMIT ?").all(limit) as Row[];
    return rows.map(toRecord);
  }

  /** Walks the whole chain; `brokenAt` is the first record whose sequence or hash does not hold. */
  verify(): { ok: boolean; count: number; brokenAt: number | null } {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.db.prepare("SELECT * FROM audit ORDER BY seq").iterate() as IterableIterator<Row>) {
      const record = toRecord(row);
      const { hash, prevHash, ...content } = record;
      if (record.seq !== expectedSeq || prevHash !== prev || auditHash(prev, content) !== hash) {
        return { ok: false, count, brokenAt: record.seq };
      }
      prev = hash;
      expectedSeq++;
      count++;
    }
    return { ok: true, count, brokenAt: null };
  }
}

function toRecord(row: Row): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
