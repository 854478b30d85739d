import { RhcError } from "@rhc/errors";
import type { CardPlan, CardProbe, Feeder, IssuerCardPort } from "../../src/issuance/ports.js";

/**
 * Pure-logic harness: cards are plain objects and the feeder a counter. The real cards, pcscd and
 * personaliser are exercised in test/ (PC/SC) — here only the state machine and its recovery.
 */
export class BenchCards implements IssuerCardPort, Feeder {
  readonly kind = "simulated" as const;
  card: { chip: string; written: CardPlan | null; locked: boolean } | null = null;
  private serial = 0;
  /** Chip numbers whose personalisation is interrupted by a pulled card. */
  pullOn = new Set<number>();
  /** Chip numbers that arrive already personalised. */
  usedOn = new Set<number>();
  readonly bins: { good: string[]; reject: string[] } = { good: [], reject: [] };

  async load(): Promise<void> {
    if (this.card) return;
    this.serial++;
    const chip = this.serial.toString(16).toUpperCase().padStart(16, "0");
    this.card = { chip, written: null, locked: this.usedOn.has(this.serial) };
  }
  async eject(bin: "good" | "reject"): Promise<void> {
    if (this.card) this.bins[bin].push(this.card.chip);
    this.card = null;
  }
  async probe(): Promise<CardProbe> {
    if (!this.card) return { kind: "absent" };
    return { kind: this.card.locked ? "personalised" : "blank", chipSerial: this.card.chip };
  }
  async personalise(plan: CardPlan) {
    const card = this.card!;
    if (this.pullOn.has(Number.parseInt(card.chip, 16))) {
      this.card = null;
      throw new RhcError("CARD_REMOVED");
    }
    card.written = plan;
    card.locked = true;
    return { chipSerial: card.chip, keyVersion: 1, apduCount: 10 };
  }
  async verify(plan: CardPlan) {
    if (!this.card) throw new RhcError("CARD_REMOVED");
    const same = JSON.stringify(this.card.written?.elements) === JSON.stringify(plan.elements);
    return { digest: "d", mismatches: same ? [] : ["all"], keyVersion: 1, apduCount: 5 };
  }
}
