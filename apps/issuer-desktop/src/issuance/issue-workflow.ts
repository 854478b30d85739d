import { RhcError } from "@rhc/errors";
import type { SyncStore } from "@rhc/sync";
import type { IssueResult, Operator } from "../shared/channels.js";
import type { Resident } from "../shared/resident.js";
import { RESIDENT_KEYS } from "../shared/resident.js";
import type { DeskAudit } from "./audit/desk-audit.js";
import { type ActivationAttempt, ActivationAttempts } from "./cards/activation-attempts.js";
import type { CardRegistry, StoredCard } from "./cards/card-registry.js";
import type { IssuerConfig } from "./config.js";
import type { CardPlan, CardProbe, IssuerCardPort, StepListener } from "./ports.js";
import type { PreparedCard } from "./prepared-card.js";
import { elementValue } from "./resident/card-dictionary-catalog.js";
import type { ResidentCatalog } from "./resident/catalog.js";

export type { PreparedCard, PreparedCardJson } from "./prepared-card.js";
export { preparedFromJson, preparedToJson } from "./prepared-card.js";

/** How a probed card is to be used: written from scratch (or over an interrupted attempt), or finished. */
type Presented = { kind: "write"; chipSerial: string } | { kind: "finish"; attempt: ActivationAttempt };

export interface RunHooks {
  /** The card is about to be written (chip serial known): batch rows move to personalising. */
  onPersonalising?(chipSerial: string): void;
  /** Personalisation finished: batch rows move to verifying. */
  onVerifying?(): void;
  /** Called inside the commit transaction, after the event is in the outbox. */
  onCommit?(eventId: string): void;
  onStep?: StepListener;
  /** Set for a replacement: the card being replaced. */
  replaces?: StoredCard;
}

const yyyymmdd = (d: Date) => d.toISOString().slice(0, 10).replaceAll("-", "");

function addYears(date: Date, years: number): Date {
  const out = new Date(date);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  out.setUTCDate(out.getUTCDate() - 1);
  return out;
}

/** Every element written to a card: the centre's issuer data and the holder's (validated) fields. */
export function cardElements(
  config: IssuerConfig,
  resident: Resident,
  ids: { cardNo: string; issueSerial: string },
  today: Date,
): CardPlan["elements"] {
  const elements: CardPlan["elements"] = {
    cardCategory: config.card.category,
    specVersion: config.card.specVersion,
    issuerName: config.centre.name,
    issuerCode: config.centre.issuerCode,
    issueDate: yyyymmdd(today),
    expiryDate: yyyymmdd(addYears(today, config.card.validityYears)),
    cardNumber: ids.cardNo,
    issueSerial: ids.issueSerial,
    cityCode: config.centre.cityCode,
  };
  for (const key of RESIDENT_KEYS) {
    const value = elementValue(key, resident[key]);
    if (value !== undefined) elements[key] = value;
  }
  return elements;
}

/** Refuses anything but a blank health card, with the message the operator needs. */
export function requireBlank(probe: CardProbe): string {
  switch (probe.kind) {
    case "blank":
    case "partial":
      return probe.chipSerial!;
    case "absent":
      throw new RhcError("NO_CARD", { detail: "issuer card reader" });
    case "personalised":
      throw new RhcError("CARD_NOT_BLANK", { data: { chipSerial: probe.chipSerial } });
    case "mute":
      throw new RhcError("CARD_MUTE", { detail: "issuer card reader" });
    default:
      throw new RhcError("WRONG_CARD", { data: { atr: probe.atr } });
  }
}

/**
 * Issuing one card: validate → check the blank card → personalise through the issuer SAM → read
 * everything back → one transaction with the card register row, the audit record (operator, card,
 * key version, read-back digest) and the `card.issued` event. Nothing is recorded as issued unless
 * the read-back matched, so a card pulled mid-way leaves no event behind.
 */
export class IssueWorkflow {
  /** Activations whose outcome is not known yet (write-ahead, in the issuer's SQLite file). */
  readonly attempts: ActivationAttempts;

  constructor(
    private readonly config: IssuerConfig,
    private readonly catalog: ResidentCatalog,
    private readonly cards: CardRegistry,
    private readonly store: SyncStore,
    private readonly audit: DeskAudit,
    private readonly port: IssuerCardPort,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.attempts = new ActivationAttempts(store.context.db);
  }

  /** Validates the holder data and builds the card plan; reserves a fresh issue serial. */
  prepare(input: Resident, photo: Uint8Array = new Uint8Array()): PreparedCard {
    const resident = this.catalog.normalize(input);
    const problems = this.catalog.validate(resident);
    if (problems.length > 0) {
      throw new RhcError("FIELD_INVALID", {
        detail: problems.map((p) => p.en).join("; "),
        data: { problems },
      });
    }
    const counter = this.store.context.write("issue serial", () => this.cards.nextCounter("issueSerial"));
    const issueSerial = `${this.config.centre.serialPrefix}${String(counter).padStart(6, "0")}`;
    const cardNo =
      this.config.cardNumber === "citizen-id"
        ? resident.citizenId!
        : `${this.config.centre.cityCode}${this.config.centre.serialPrefix}${String(counter).padStart(8, "0")}`;
    const elements = cardElements(this.config, resident, { cardNo, issueSerial }, this.clock());
    return { resident, cardNo, issueSerial, plan: { elements, photo } };
  }

  /**
   * Personalises the blank card in the issuer reader, verifies it and records it. A locked card
   * that this desk activated without recording it (torn during ACTIVATE, app killed, read-back
   * cut off) is not written again but finished: read back against the remembered plan, recorded.
   */
  async run(prepared: PreparedCard, operator: Operator, hooks: RunHooks = {}): Promise<IssueResult> {
    const started = performance.now();
    const presented = this.presented(await this.port.probe(), prepared);
    if (presented.kind === "finish") return this.finish(presented.attempt, operator, hooks, started);
    const { chipSerial } = presented;
    hooks.onPersonalising?.(chipSerial);
    // Write-ahead: once ACTIVATE is sent its outcome can be lost with the card or the process.
    const beforeActivate = () =>
      this.attempts.remember(chipSerial, prepared, operator.id, hooks.replaces?.chipSerial ?? null, this.clock());
    const written = await this.port.personalise(prepared.plan, hooks.onStep, beforeActivate);
    if (written.chipSerial !== chipSerial) {
      throw new RhcError("CARD_REMOVED", { detail: "a different card answered during personalisation" });
    }
    hooks.onVerifying?.();
    return this.verifyAndRecord(prepared, operator, chipSerial, written.apduCount, started, hooks);
  }

  /**
   * A locked card is finished only when it is this desk's unfinished attempt for the same holder
   * (the card carries that holder's data); any other locked card is refused.
   */
  private presented(probe: CardProbe, prepared: PreparedCard): Presented {
    if (probe.kind !== "personalised" || !probe.chipSerial) return { kind: "write", chipSerial: requireBlank(probe) };
    const attempt = this.attempts.find(probe.chipSerial);
    if (!attempt) return { kind: "write", chipSerial: requireBlank(probe) };
    const remembered = attempt.prepared;
    if (remembered.cardNo !== prepared.cardNo || remembered.resident.citizenId !== prepared.resident.citizenId) {
      throw new RhcError("CARD_NOT_BLANK", {
        detail: `card ${probe.chipSerial} holds the unfinished card ${remembered.cardNo}: issue that holder again to finish it`,
        data: { chipSerial: probe.chipSerial, unfinishedCardNo: remembered.cardNo },
      });
    }
    return { kind: "finish", attempt };
  }

  /** Reads the remembered attempt back and records it (with the plan that is on the card). */
  private finish(attempt: ActivationAttempt, operator: Operator, hooks: RunHooks, started: number) {
    const replaces = hooks.replaces ?? (attempt.replaces ? this.cards.find(attempt.replaces) : undefined);
    const finishing = { ...hooks, ...(replaces ? { replaces } : {}) };
    hooks.onPersonalising?.(attempt.chipSerial);
    hooks.onVerifying?.();
    return this.verifyAndRecord(attempt.prepared, operator, attempt.chipSerial, 0, started, finishing, attempt);
  }

  /**
   * Finishes a card whose personalisation completed before the app stopped: it must still be in the
   * reader (same chip serial) and read back correctly.
   */
  async resume(
    prepared: PreparedCard,
    operator: Operator,
    chipSerial: string,
    hooks: RunHooks = {},
  ): Promise<IssueResult> {
    const started = performance.now();
    const probe = await this.port.probe();
    if (probe.kind !== "personalised" || probe.chipSerial !== chipSerial) {
      throw new RhcError("CARD_REMOVED", {
        detail: `the card personalised before the interruption (${chipSerial}) is no longer in the issuer reader`,
      });
    }
    return this.verifyAndRecord(prepared, operator, chipSerial, 0, started, hooks);
  }

  private async verifyAndRecord(
    prepared: PreparedCard,
    operator: Operator,
    chipSerial: string,
    personaliseApdus: number,
    started: number,
    hooks: RunHooks,
    finished?: ActivationAttempt,
  ): Promise<IssueResult> {
    const check = await this.port.verify(prepared.plan, hooks.onStep);
    if (check.mismatches.length > 0) {
      throw new RhcError("VERIFY_MISMATCH", { detail: check.mismatches.join(", "), data: { chipSerial } });
    }
    const { resident, cardNo, issueSerial } = prepared;
    const { keyVersion } = check;
    const issuedAt = this.clock().toISOString();
    const apduCount = personaliseApdus + check.apduCount;
    const { eventId } = this.store.context.write("card issued", () => {
      const appended = this.store.outbox.append({
        type: "card.issued",
        aggregate: { kind: "card", id: cardNo },
        subject: { cardNo, idNo: resident.citizenId },
        actor: { kind: "operator", id: operator.id, name: operator.name },
        payload: {
          cardNo,
          cardSerial: issueSerial,
          idNo: resident.citizenId!,
          name: resident.name!,
          gender: resident.sex === "1" ? "male" : resident.sex === "2" ? "female" : "unknown",
          birthDate: `${resident.birthDate!.slice(0, 4)}-${resident.birthDate!.slice(4, 6)}-${resident.birthDate!.slice(6)}`,
          issuerOrgId: this.config.centre.orgId,
          ethnicity: resident.ethnicity,
          ...(resident.phone1 ? { phone: resident.phone1 } : {}),
          ...(resident.address1 ? { address: resident.address1.slice(0, 120) } : {}),
        },
      });
      this.attempts.settle(chipSerial, issueSerial);
      this.cards.insert({
        chipSerial,
        cardNo,
        issueSerial,
        citizenId: resident.citizenId!,
        name: resident.name!,
        keyVersion,
        resident,
        photo: prepared.plan.photo,
        issuedAt,
        eventId: appended.eventId,
        replaces: hooks.replaces?.chipSerial ?? null,
      });
      this.audit.append({
        actor: operator.id,
        action: "card.issued",
        subject: cardNo,
        data: {
          chipSerial,
          issueSerial,
          keyVersion,
          readBackDigest: check.digest,
          eventId: appended.eventId,
          ...(hooks.replaces ? { replaces: hooks.replaces.chipSerial } : {}),
          ...(finished ? { finishedAttempt: { startedBy: finished.operatorId, startedAt: finished.startedAt } } : {}),
        },
      });
      hooks.onCommit?.(appended.eventId);
      return appended;
    });
    return {
      cardNo,
      name: resident.name!,
      chipSerial,
      issueSerial,
      keyVersion,
      readBackDigest: check.digest,
      apduCount,
      durationMs: Math.round(performance.now() - started),
      auditSeq: this.audit.list(1)[0]?.seq ?? 0,
      eventId,
    };
  }
}
