import { RhcError } from "@rhc/errors";
import type { AuditLog } from "@rhc/sync";
import type { AuditRecord } from "../../shared/channels.js";

/** Field names that must never reach the audit log (PINs and key material stay out of storage). */
const SECRET_FIELD = /pin|password|secret|masterkey|privatekey|sessionkey/i;

export interface DeskAuditEntry {
  /** Who: the operator id from the staff card certificate, or "system". */
  actor: string;
  /** What: a dotted verb such as "card.issued", "card.reported_lost", "session.login". */
  action: string;
  /** Which: usually the card number; a batch id for batch events. */
  subject: string;
  data: Record<string, unknown>;
  /** "ok" unless said otherwise (e.g. a refused login). */
  outcome?: string;
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
 * The desk's view of the store's append-only, hash-chained audit log (`@rhc/sync` AuditLog, the
 * same chain that records deliveries and alerts): who did what to which card, with key version and
 * read-back digest. Appends join the caller's transaction, so a record commits with its fact.
 */
export class DeskAudit {
  constructor(private readonly log: AuditLog) {}

  append(entry: DeskAuditEntry): void {
    assertNoSecrets(entry.data, "");
    this.log.append(entry.action, entry.outcome ?? "ok", { actor: entry.actor, subject: entry.subject, ...entry.data });
  }

  list(limit = 100): AuditRecord[] {
    return this.log.list({ limit }).map((e) => {
      const { actor, subject, ...data } = e.detail as { actor?: unknown; subject?: unknown } & Record<string, unknown>;
      return {
        seq: e.id,
        at: new Date(e.at).toISOString(),
        actor: typeof actor === "string" ? actor : "system",
        action: e.kind,
        outcome: e.outcome,
        subject: typeof subject === "string" ? subject : "",
        data,
        prevHash: e.prevHash,
        hash: e.hash,
      };
    });
  }

  /** Walks the whole chain; `brokenAt` is the first record whose hash does not hold. */
  verify(): { ok: boolean; brokenAt: number | null } {
    const broken = this.log.verify();
    return { ok: broken === undefined, brokenAt: broken ?? null };
  }
}
