import type { AppendResult, HotlistCheck, SyncStore } from "@rhc/sync";
import type { AgentAudit } from "../audit/agent-audit.js";
import type { ClinicianSession } from "./clinician-sessions.js";
import { maskCardNo } from "./hotlist-policy.js";

/** The list versions a decision used: the hotlist version it looked up and each cached staff CRL's number. */
export function listVersionsUsed(store: SyncStore, check: HotlistCheck) {
  return {
    ...(check.listVersion !== null ? { hotlist: check.listVersion } : {}),
    crl: store.crl.versions(),
  };
}

export interface WrittenRecord {
  session: ClinicianSession;
  cardNo: string;
  /** The hotlist lookup the write was allowed on. */
  check: HotlistCheck;
  recordType: string;
  recordId?: string;
  bytes?: number;
  /** What the audit line says beyond the actor and the card. */
  auditData: Record<string, unknown>;
}

/**
 * A card write's `record.written` event (with the list versions used) and its audit line,
 * committed in one transaction once the card confirmed the write — for the native write
 * endpoints and the compat facade alike.
 */
export function commitRecordWritten(store: SyncStore, audit: AgentAudit, w: WrittenRecord): AppendResult {
  const { staffId, subject } = w.session.clinician;
  return store.context.write("card write", () => {
    const appended = store.outbox.append({
      type: "record.written",
      aggregate: { kind: "card", id: w.cardNo },
      subject: { cardNo: w.cardNo },
      actor: { kind: "clinician", id: staffId, name: subject.slice(0, 60) },
      listVersions: listVersionsUsed(store, w.check),
      payload: {
        cardNo: w.cardNo,
        recordType: w.recordType.slice(0, 32),
        ...(w.recordId !== undefined ? { recordId: w.recordId } : {}),
        ...(w.bytes !== undefined ? { bytes: w.bytes } : {}),
      },
    });
    audit.record({
      action: "card.write",
      actor: `clinician:${staffId}`,
      outcome: "ok",
      subject: maskCardNo(w.cardNo),
      data: w.auditData,
    });
    return appended;
  });
}
