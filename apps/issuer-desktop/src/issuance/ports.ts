import type { AnyFieldValue, ElementKey } from "@rhc/card-protocol";
import type { Operator, ReaderState } from "../shared/channels.js";
import type { Resident } from "../shared/resident.js";

/**
 * What the issuer reader holds, judged from the card's answers (not from the reader name):
 * `blank` and `partial` (written part-way by an interrupted attempt) are still in personalisation
 * and can be personalised; `personalised` is activated (locked) and cannot.
 */
export interface CardProbe {
  kind: "absent" | "blank" | "partial" | "personalised" | "unknown" | "mute";
  /** 8-byte chip factor (cardF) as hex, when the card answered. */
  chipSerial?: string;
  atr?: string;
}

/** Everything written to one card: element values (spec §3.2 keys) and the photo. */
export interface CardPlan {
  elements: Partial<Record<ElementKey, AnyFieldValue>>;
  /** JPEG ≤ 3072 bytes, or empty for a card without photo. */
  photo: Uint8Array;
}

export interface PersonalisationOutcome {
  chipSerial: string;
  /** Version of the issuer master keys the card keys were diversified from. */
  keyVersion: number;
  apduCount: number;
}

export interface VerifyOutcome {
  /** SHA-256 over everything read back, in file order (goes to the audit record). */
  digest: string;
  /** Element keys (or "photo", "DF03") whose read-back differs from the plan. */
  mismatches: string[];
  /** Version of the issuer master keys the read keys were derived from (the ones the card holds). */
  keyVersion: number;
  apduCount: number;
}

export type StepListener = (step: string, done: number, total: number) => void;

/** The issuer reader and issuer SAM: detect a blank card, personalise it, read it back. */
export interface IssuerCardPort {
  probe(): Promise<CardProbe>;
  /**
   * Writes the plan and activates (locks) the card. `beforeActivate` runs once everything is
   * written, just before ACTIVATE is sent: from then on a failure leaves the card's lifecycle unknown.
   */
  personalise(plan: CardPlan, onStep?: StepListener, beforeActivate?: () => void): Promise<PersonalisationOutcome>;
  verify(plan: CardPlan, onStep?: StepListener): Promise<VerifyOutcome>;
  /** Releases the issuer SAM (app shutdown). */
  close?(): Promise<void>;
}

/**
 * Brings the next card into the issuer reader and takes it out into a bin. Manual: the operator
 * inserts and removes cards; simulated: a blank simulated card is inserted (tests, demos).
 */
export interface Feeder {
  readonly kind: "manual" | "simulated";
  /** Resolves once a card sits in the issuer reader. */
  load(signal?: AbortSignal): Promise<void>;
  /** Moves the card out, to the good or the reject bin (resolves once the reader is empty). */
  eject(bin: "good" | "reject", signal?: AbortSignal): Promise<void>;
}

/** Looks a resident up on the platform's identity service (PDQm by citizen ID number). */
export interface IdentityLookup {
  byCitizenId(citizenId: string): Promise<{ resident: Resident | null; source: string }>;
}

/** Operator login with a staff CA card in the staff reader (PIN, certificate chain). */
export interface StaffLogin {
  login(pin: string): Promise<Omit<Operator, "loggedInAt">>;
  /** Whether the staff card is still in its reader; the session ends when it is taken out. */
  present?(): Promise<boolean>;
}

export interface ReaderWatch {
  status(): Promise<ReaderState[]>;
}
