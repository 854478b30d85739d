import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { RhcError } from "@rhc/errors";
import { z } from "zod";
import { censor } from "../log/secret.js";
import { stableStringify } from "./stable-json.js";

/** Security-relevant actions; the list is the audit vocabulary hospital IT filters on. */
export const AUDIT_ACTIONS = [
  "agent.started",
  "agent.stopped",
  "audit.torn_tail_dropped",
  "audit.tampering_detected",
  "pairing.requested",
  "pairing.approved",
  "pairing.denied",
  "client.revoked",
  "auth.rejected",
  "clinician.login",
  "clinician.logout",
  "card.write",
  "settlement.settle",
  "settlement.reverse",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const GENESIS = "0".repeat(64);

const entrySchema = z
  .object({
    seq: z.number().int().positive(),
    at: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    actor: z.string(),
    outcome: z.enum(["ok", "denied", "failed"]),
    subject: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    prev: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AuditEntry = z.infer<typeof entrySchema>;

export interface AuditRecord {
  action: AuditAction;
  /** Who acted: "client:<id>", "clinician:<cert subject>", "operator" (local admin), "agent". */
  actor: string;
  outcome: AuditEntry["outcome"];
  subject?: string;
  data?: Record<string, unknown>;
}

function hashOf(entry: Omit<AuditEntry, "hash">): string {
  return createHash("sm3").update(stableStringify(entry)).digest("hex");
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  lastHash: string;
  /** 1-based line of the first broken entry. */
  brokenAt?: number;
  reason?: string;
  /** The file ends in a partial line (a crash mid-append), not counted as tampering. */
  tornTail: boolean;
}

/** Checks every entry's hash and its link to the previous one. */
export function verifyAuditText(text: string): AuditVerification {
  const lines = text.split("\n");
  const tornTail = lines[lines.length - 1] !== "";
  // The last element is "" after a final newline, or the torn partial line without one.
  const complete = lines.slice(0, -1);
  let prev = GENESIS;
  let seq = 0;
  for (let i = 0; i < complete.length; i++) {
    const broken = (reason: string): AuditVerification => ({
      ok: false,
      entries: i,
      lastHash: prev,
      brokenAt: i + 1,
      reason,
      tornTail,
    });
    let entry: AuditEntry;
    try {
      entry = entrySchema.parse(JSON.parse(complete[i]!));
    } catch {
      return broken("not a valid audit entry");
    }
    if (entry.seq !== seq + 1) return broken(`sequence ${entry.seq} follows ${seq}`);
    if (entry.prev !== prev) return broken("link to the previous entry does not match");
    const { hash, ...body } = entry;
    if (hashOf(body) !== hash) return broken("entry content does not match its hash");
    prev = hash;
    seq = entry.seq;
  }
  return { ok: true, entries: seq, lastHash: prev, tornTail };
}

/**
 * Append-only, hash-chained (SM3) JSON-lines audit log. Each entry carries the hash of the one
 * before, so removing or changing any line breaks every later link. Entries are fsync'ed before
 * `append` returns: the action they record is not reported done before its audit line is durable.
 */
export class AuditLog {
  private fd: number;
  private seq: number;
  private prev: string;

  private constructor(
    readonly path: string,
    fd: number,
    seq: number,
    prev: string,
  ) {
    this.fd = fd;
    this.seq = seq;
    this.prev = prev;
  }

  /**
   * Opens (or creates) the log. A torn last line is dropped and noted. A broken chain is kept as
   * evidence in `<path>.tampered-<time>` and a new chain starts with an entry that names it.
   */
  static open(path: string, clock: () => Date = () => new Date()): AuditLog {
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    const check = verifyAuditText(text);
    let note: AuditRecord | undefined;
    let seq = check.entries;
    let prev = check.lastHash;
    if (!check.ok) {
      const evidence = `${path}.tampered-${clock().toISOString().replace(/[:.]/g, "-")}`;
      renameSync(path, evidence);
      note = {
        action: "audit.tampering_detected",
        actor: "agent",
        outcome: "failed",
        data: {
          evidence,
          brokenAt: check.brokenAt,
          reason: check.reason,
          sm3: createHash("sm3").update(text).digest("hex"),
        },
      };
      seq = 0;
      prev = GENESIS;
    } else if (check.tornTail) {
      const kept = text.slice(0, text.lastIndexOf("\n") + 1);
      const fdw = openSync(path, "w");
      writeSync(fdw, kept);
      fsyncSync(fdw);
      closeSync(fdw);
      note = {
        action: "audit.torn_tail_dropped",
        actor: "agent",
        outcome: "ok",
        data: { droppedBytes: text.length - kept.length },
      };
    }
    const log = new AuditLog(path, openSync(path, "a", 0o600), seq, prev);
    if (note) log.append(note, clock);
    return log;
  }

  append(record: AuditRecord, clock: () => Date = () => new Date()): AuditEntry {
    if (this.fd < 0) throw new RhcError("SHUTTING_DOWN", { detail: "audit log is closed" });
    const body: Omit<AuditEntry, "hash"> = {
      seq: this.seq + 1,
      at: clock().toISOString(),
      action: record.action,
      actor: record.actor,
      outcome: record.outcome,
      prev: this.prev,
      ...(record.subject !== undefined ? { subject: record.subject } : {}),
      // Audit lines are read by people too: the same censoring as logs applies.
      ...(record.data !== undefined ? { data: censor(record.data) as Record<string, unknown> } : {}),
    };
    const entry: AuditEntry = { ...body, hash: hashOf(body) };
    try {
      writeSync(this.fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(this.fd);
    } catch (error) {
      throw new RhcError("STORE_IO", { detail: `audit log ${this.path}`, cause: error });
    }
    this.seq = entry.seq;
    this.prev = entry.hash;
    return entry;
  }

  get lastSeq(): number {
    return this.seq;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

export function verifyAuditFile(path: string): AuditVerification {
  return verifyAuditText(existsSync(path) ? readFileSync(path, "utf8") : "");
}
