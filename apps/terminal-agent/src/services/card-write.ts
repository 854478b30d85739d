import type { HealthCardSession, OutpatientInput, VisitKind } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { SyncStore } from "@rhc/sync";
import type { AgentAudit } from "../audit/agent-audit.js";
import type { AgentConfig } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import { cardIdentity, describeAuthenticity } from "./card-read.js";
import type { ClinicianService, WriteAuthority } from "./clinician.js";
import type { DeskCards } from "./desk-cards.js";
import { applyHotlistPolicy, maskCardNo } from "./hotlist-policy.js";
import { commitRecordWritten } from "./record-written.js";

export interface WriteOutcome {
  cardNo: string;
  recordType: string;
  slot?: number;
  replaced?: boolean;
  event: { eventId: string; seq: number };
  clinician: { staffId: string };
}

/**
 * Writes to the resident card on behalf of a logged-in clinician: the clinician session is
 * checked (with the certificate re-validated under the write revocation policy), the card must be
 * genuine and not hotlisted, the write runs with the card held exclusively, and a
 * `record.written` event plus an audit line are committed together once the card confirmed it.
 */
export class CardWriteService {
  constructor(
    private readonly cards: DeskCards,
    private readonly clinician: ClinicianService,
    private readonly store: SyncStore,
    private readonly bus: EventBus,
    private readonly audit: AgentAudit,
    private readonly policy: AgentConfig["policy"],
  ) {}

  async write(
    clientId: string,
    sessionHeader: string | undefined,
    recordType: string,
    work: (card: HealthCardSession) => Promise<{ slot?: number; replaced?: boolean; bytes?: number }>,
  ): Promise<WriteOutcome> {
    let authority: WriteAuthority;
    try {
      authority = await this.clinician.requireForWrite(clientId, sessionHeader);
    } catch (error) {
      const code = error instanceof RhcError ? error.code : "INTERNAL";
      this.audit.record({
        action: "card.write",
        actor: `client:${clientId}`,
        outcome: "denied",
        data: { recordType, code },
      });
      throw error;
    }
    const { session, revocationChecked } = authority;
    const staffId = session.clinician.staffId;
    const actor = `clinician:${staffId}`;
    try {
      return await this.cards.withResident(async ({ card, reader }) => {
        const authenticity = await card.checkAuthenticity({ roots: this.cards.roots });
        const { cardNo, cardSerial } = await cardIdentity(card);
        applyHotlistPolicy(this.store.hotlist.checkCard(cardNo, cardSerial), this.policy.hotlist, cardNo);
        if (!authenticity.genuine) {
          throw new RhcError("CARD_NOT_GENUINE", {
            detail: describeAuthenticity(authenticity),
            data: { checks: authenticity.checks },
          });
        }
        const result = await work(card);
        const event = commitRecordWritten(this.store, this.audit, {
          session,
          cardNo,
          check: this.store.hotlist.checkCard(cardNo, cardSerial),
          recordType,
          ...(result.slot !== undefined ? { recordId: `slot-${result.slot}` } : {}),
          ...(result.bytes !== undefined ? { bytes: result.bytes } : {}),
          // A fail-open write without a usable CRL says so in the audit trail.
          auditData: { recordType, ...result, ...(revocationChecked ? {} : { revocationChecked }) },
        });
        this.bus.publish("card.written", { reader, cardNoMasked: maskCardNo(cardNo), recordType, staffId });
        return { cardNo, recordType, ...result, event, clinician: { staffId } };
      }, "exclusive");
    } catch (error) {
      const code = error instanceof RhcError ? error.code : "INTERNAL";
      this.audit.record({ action: "card.write", actor, outcome: "failed", data: { recordType, code } });
      throw error;
    }
  }

  writeVisit(clientId: string, header: string | undefined, kind: VisitKind, record: OutpatientInput, slot?: number) {
    return this.write(clientId, header, `visit.${kind}`, (card) =>
      card.writeVisitRecord(kind, record, slot !== undefined ? { slot } : {}),
    );
  }

  addAllergy(clientId: string, header: string | undefined, allergy: { substance: string; reaction: string }) {
    return this.write(clientId, header, "allergy", async (card) => {
      await card.addAllergy(allergy);
      return {};
    });
  }

  addImmunisation(clientId: string, header: string | undefined, immunisation: { vaccine: string; date: string }) {
    return this.write(clientId, header, "immunisation", async (card) => {
      await card.addImmunisation(immunisation);
      return {};
    });
  }
}
