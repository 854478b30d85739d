import type { ApduChannel } from "../pipeline/channel.js";
import type { CardConnection } from "../transport/types.js";
import { OperationQueue } from "../util/operation-queue.js";
import type { AuthenticityResult, TrustedRoot } from "./authenticity.js";
import type { ElementKey, FileElements } from "./elements.js";
import {
  type CardMode,
  CardOperations,
  type FullCard,
  type HealthCardSessionOptions,
  type Identity,
  type TlvFileId,
  type VisitEntry,
  type VisitKind,
} from "./operations.js";
import type { Allergy, Immunisation } from "./records.js";
import type { InpatientInput, OutpatientInput } from "./visit-records.js";

export type {
  CardMode,
  FullCard,
  HealthCardSessionOptions,
  Identity,
  SignatureStatus,
  TlvFileId,
  VisitEntry,
  VisitKind,
} from "./operations.js";

/**
 * Typed reads and writes of the resident health card (spec §6). Every operation plans its APDUs
 * (see `CardOperations` and the README's APDU counts) and runs alone: concurrent callers are
 * queued, so their SELECT/authenticate/read sequences never interleave on the card.
 */
export class HealthCardSession {
  private readonly queue = new OperationQueue();

  private constructor(private readonly ops: CardOperations) {}

  /** Wraps a connection to a resident card; no APDU is sent until an operation needs one. */
  static open(connection: CardConnection, options: HealthCardSessionOptions = {}): HealthCardSession {
    return new HealthCardSession(new CardOperations(connection, options));
  }

  get connection(): CardConnection {
    return this.ops.connection;
  }

  get channel(): ApduChannel {
    return this.ops.channel;
  }

  get mode(): CardMode {
    return this.ops.mode;
  }

  /** APDUs sent to the user card so far (SAM APDUs are counted by the SAM session's channel). */
  get apduCount(): number {
    return this.ops.apduCount;
  }

  private run<T>(operation: (ops: CardOperations) => Promise<T>): Promise<T> {
    return this.queue.run(() => operation(this.ops));
  }

  /**
   * Reads the elements of a TLV file (all of them, or only `keys`). DDF1/EF05: no authentication;
   * other files: the file's read key once per DF.
   */
  readFile<F extends TlvFileId>(file: F, keys?: readonly ElementKey[]): Promise<FileElements<F>> {
    return this.run((ops) => ops.readFile(file, keys));
  }

  /**
   * Writes the given elements of a TLV file, each as one UPDATE RECORD with the file's SM (enc+mac:
   * 2 card + 3 SAM APDUs per element; plain: 1), after the update key's authentication. Every
   * value is validated before the first APDU; absent keys are left unchanged.
   */
  writeFile<F extends TlvFileId>(file: F, values: Partial<FileElements<F>>): Promise<void> {
    return this.run((ops) => ops.writeFile(file, values));
  }

  /** DDF1 EF05 + EF06 + EF08: what a registration desk reads. */
  readIdentity(): Promise<Identity> {
    return this.run((ops) => ops.readIdentity());
  }

  /** The photo (JPEG) or undefined: the first block carries the length, the rest follows in 0x80 blocks. */
  readPhoto(): Promise<Uint8Array | undefined> {
    return this.run((ops) => ops.readPhoto());
  }

  /**
   * Writes the photo so that a torn write never leaves a valid-looking length over partial data:
   * data first with a zero length prefix, then the real prefix (one extra 2-byte UPDATE BINARY).
   */
  writePhoto(jpeg: Uint8Array): Promise<void> {
    return this.run((ops) => ops.writePhoto(jpeg));
  }

  /** Allergies, newest first (record 1 is always the latest write). */
  readAllergies(): Promise<Allergy[]> {
    return this.run((ops) => ops.readAllergies());
  }

  /** Immunisations, newest first. */
  readImmunisations(): Promise<Immunisation[]> {
    return this.run((ops) => ops.readImmunisations());
  }

  /** Adds an allergy; it becomes record 1 and the oldest of three is overwritten. */
  addAllergy(allergy: Allergy): Promise<void> {
    return this.run((ops) => ops.addAllergy(allergy));
  }

  /** Adds an immunisation; it becomes record 1 and the oldest of ten is overwritten. */
  addImmunisation(immunisation: Immunisation): Promise<void> {
    return this.run((ops) => ops.addImmunisation(immunisation));
  }

  /** Everything but the visit records: identity, photo, DF01, DF02. */
  readAll(): Promise<FullCard> {
    return this.run((ops) => ops.readAll());
  }

  /** Index flags of the EE (3) or ED (5) slots: true = the record is valid. */
  readVisitIndex(kind: VisitKind): Promise<boolean[]> {
    return this.run((ops) => ops.readVisitIndex(kind));
  }

  /** One visit record with its signature checked (`verify: false` skips the check). */
  readVisitRecord(kind: VisitKind, slot: number, options: { verify?: boolean } = {}): Promise<VisitEntry> {
    return this.run((ops) => ops.readVisitRecord(kind, slot, options));
  }

  /** All valid visit records (index first, then each valid slot), inpatient then outpatient. */
  readVisitHistory(options: { kinds?: readonly VisitKind[]; verify?: boolean } = {}): Promise<VisitEntry[]> {
    return this.run((ops) => ops.readVisitHistory(options));
  }

  /** Raw bytes of a visit record (any range inside the file), read in 0x80 blocks. */
  readVisitBytes(kind: VisitKind, slot: number, offset: number, length: number): Promise<Uint8Array> {
    return this.run((ops) => ops.readVisitBytes(kind, slot, offset, length));
  }

  /**
   * Raw write into a visit record's data part (vendor partial writes, compat layer). The stored
   * signature no longer matches afterwards; `writeVisitRecord` is the signed way.
   */
  writeVisitBytes(kind: VisitKind, slot: number, offset: number, data: Uint8Array): Promise<void> {
    return this.run((ops) => ops.writeVisitBytes(kind, slot, offset, data));
  }

  /** The slot the next record of `kind` goes to (first free, else oldest); reads the index. */
  nextVisitSlot(kind: VisitKind): Promise<number> {
    return this.run((ops) => ops.nextVisitSlot(kind));
  }

  /** WRITE RECORD (valid, UK1DF03) or ERASE RECORD (free, UK2DF03) of an index flag, MAC per mode. */
  markVisitRecord(kind: VisitKind, slot: number, valid: boolean): Promise<void> {
    return this.run((ops) => ops.markVisitRecord(kind, slot, valid));
  }

  /** Invalidates a visit record slot (the body stays; the flag is authoritative, spec §6.10). */
  eraseVisitRecord(kind: VisitKind, slot: number): Promise<void> {
    return this.run((ops) => ops.markVisitRecord(kind, slot, false));
  }

  /**
   * Writes a visit record (spec §6.8–§6.9): validate and sign first (SAM SM2 over the [P] hash),
   * free the slot's flag if it was valid, write data ‖ signature ‖ SAM certificate in one pass,
   * then set the index flag — a torn write never leaves a valid flag over a partial record.
   */
  writeVisitRecord(
    kind: VisitKind,
    values: InpatientInput | OutpatientInput,
    options: { slot?: number } = {},
  ): Promise<{ slot: number; replaced: boolean }> {
    return this.run((ops) => ops.writeVisitRecord(kind, values, options));
  }

  /**
   * [P] INTERNAL AUTHENTICATE (spec §6.12): the card answers a random R with its IRK; the SAM
   * recomputes the answer. 1 card APDU (+ SELECT DDF1 if elsewhere), 2 SAM APDUs.
   */
  internalAuthenticate(): Promise<boolean> {
    return this.run((ops) => ops.internalAuthenticate());
  }

  /**
   * Is the card genuine (spec §6.12, §4.6)? INTERNAL AUTHENTICATE verified through the SAM, and the
   * issuer certificate (element 05) verified against `roots`. The result says which checks passed;
   * a card pulled or a dead service is thrown, not reported as "not genuine".
   */
  checkAuthenticity(options: { roots: readonly TrustedRoot[]; at?: string }): Promise<AuthenticityResult> {
    return this.run((ops) => ops.checkAuthenticity(options));
  }

  /**
   * [P] Ends personalisation: ACTIVATE FILE on DDF1 with a MAC under STKDDF1 (spec §6.15 step 7);
   * afterwards DDF1 EF05/EF06 are write-protected.
   */
  lockPersonalData(): Promise<void> {
    return this.run((ops) => ops.lockPersonalData());
  }

  /** Ends the session (after queued operations); `reset` makes the card forget its security state. */
  close(disposition: "leave" | "reset" = "reset"): Promise<void> {
    return this.run((ops) => ops.close(disposition));
  }
}
