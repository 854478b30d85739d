import { type AuditLog, openSyncStore } from "@rhc/sync";
import { censor } from "../log/secret.js";

/** Security-relevant agent actions; the list is the audit vocabulary hospital IT filters on. */
export const AUDIT_ACTIONS = [
  "agent.started",
  "agent.stopped",
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

export interface AuditRecord {
  action: AuditAction;
  /** Who acted: "client:<id>", "clinician:<cert subject>", "operator" (local admin), "agent". */
  actor: string;
  outcome: "ok" | "denied" | "failed";
  subject?: string;
  data?: Record<string, unknown>;
}

/**
 * The agent's view of the sync store's append-only, hash-chained audit log (one SQLite file with
 * the outbox, so an action's audit line can commit in the same transaction as its event). Data
 * passes the same censoring as logs: audit lines are read by people too.
 */
export class AgentAudit {
  constructor(private readonly log: AuditLog) {}

  record(r: AuditRecord): void {
    this.log.append(
      r.action,
      r.outcome,
      censor({ actor: r.actor, subject: r.subject, ...r.data }) as Record<string, unknown>,
    );
  }

  /** The chain re-walked: intact, or the id of the first broken entry. */
  verify(): { ok: boolean; brokenAt?: number } {
    const broken = this.log.verify();
    return broken === undefined ? { ok: true } : { ok: false, brokenAt: broken };
  }

  recent(limit = 100) {
    return this.log.list({ limit });
  }
}

/** Verifies the audit chain of a store that no agent has open (`rhc-agent audit verify` while stopped). */
export function verifyStoredAudit(
  storePath: string,
  terminalId: string,
): { ok: boolean; brokenAt?: number; entries: number } {
  const store = openSyncStore({ path: storePath, terminalId, checkpointIntervalMs: 0 });
  try {
    const audit = new AgentAudit(store.audit);
    return { ...audit.verify(), entries: audit.recent(1)[0]?.id ?? 0 };
  } finally {
    store.close();
  }
}
