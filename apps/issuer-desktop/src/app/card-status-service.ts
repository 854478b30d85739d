import type { SyncStore } from "@rhc/sync";
import type { DeskAudit } from "../issuance/audit/desk-audit.js";
import type { CardRegistry, StoredCard } from "../issuance/cards/card-registry.js";
import type { CardRecord, Operator } from "../shared/channels.js";

export function cardRecord(card: StoredCard): CardRecord {
  const { issueSerial: _s, keyVersion: _k, resident: _r, photo: _p, ...record } = card;
  return { ...record, issueSerial: card.issueSerial };
}

/**
 * Lost, unblocked and replaced cards: each is one transaction with the register status, the audit
 * record and the hotlist event for the platform (card.reported_lost / card.unblocked / card.replaced).
 */
export class CardStatusService {
  constructor(
    private readonly store: SyncStore,
    private readonly cards: CardRegistry,
    private readonly audit: DeskAudit,
  ) {}

  reportLost(chipSerial: string, reason: string, operator: Operator) {
    return this.change(chipSerial, ["issued"], "lost", "card.reported_lost", reason, operator);
  }

  unblock(chipSerial: string, reason: string, operator: Operator) {
    return this.change(chipSerial, ["lost", "blocked"], "issued", "card.unblocked", reason, operator);
  }

  private change(
    chipSerial: string,
    from: readonly CardRecord["status"][],
    to: CardRecord["status"],
    type: "card.reported_lost" | "card.unblocked",
    reason: string,
    operator: Operator,
  ) {
    return this.store.context.write(type, () => {
      const card = this.cards.setStatus(chipSerial, from, to);
      const { eventId } = this.store.outbox.append({
        type,
        aggregate: { kind: "card", id: card.cardNo },
        subject: { cardNo: card.cardNo, idNo: card.citizenId },
        actor: { kind: "operator", id: operator.id, name: operator.name },
        payload: { cardNo: card.cardNo, reason },
      });
      this.audit.append({
        actor: operator.id,
        action: type,
        subject: card.cardNo,
        data: { chipSerial, issueSerial: card.issueSerial, reason, eventId },
      });
      return { card: cardRecord(card), eventId, auditSeq: this.audit.list(1)[0]!.seq };
    });
  }

  /** Blocks the old card once its replacement is issued (called with the new card's chip). */
  replaced(old: StoredCard, newChip: string, newCardNo: string, reason: string, operator: Operator): CardRecord {
    return this.store.context.write("replace", () => {
      const card = this.cards.setStatus(old.chipSerial, ["issued", "lost", "blocked"], "replaced");
      this.cards.linkReplacement(old.chipSerial, newChip);
      const { eventId } = this.store.outbox.append({
        type: "card.replaced",
        aggregate: { kind: "card", id: old.cardNo },
        subject: { cardNo: old.cardNo, idNo: old.citizenId },
        actor: { kind: "operator", id: operator.id, name: operator.name },
        payload: { cardNo: old.cardNo, newCardNo, reason },
      });
      this.audit.append({
        actor: operator.id,
        action: "card.replaced",
        subject: old.cardNo,
        data: { chipSerial: old.chipSerial, newChipSerial: newChip, newCardNo, reason, eventId },
      });
      return cardRecord(this.cards.get(card.chipSerial));
    });
  }
}
