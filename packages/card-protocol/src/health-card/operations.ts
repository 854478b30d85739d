import { randomBytes } from "node:crypto";
import { RhcError } from "@rhc/errors";
import { swHex } from "../apdu/response.js";
import { swError } from "../apdu/status-words.js";
import { type AnyFieldValue, type CodecOptions, decodeField } from "../codec/field.js";
import { decodeLayout, encodeLayout } from "../codec/layout.js";
import type { NumericCnRule } from "../codec/numeric.js";
import { ApduChannel } from "../pipeline/channel.js";
import type { PipelineCommand } from "../pipeline/processor.js";
import type { CardFactors } from "../pipeline/secure-messaging.js";
import type { SamSession } from "../sam/sam-session.js";
import type { CardConnection } from "../transport/types.js";
import { bytesEqual, concatBytes } from "../util/hex.js";
import {
  type AuthenticityResult,
  type CheckResult,
  checkIssuerCertificate,
  errored,
  isInfrastructureFailure,
  passed,
  type TrustedRoot,
} from "./authenticity.js";
import { type ElementKey, elementDef, elementsOf, type FileElements } from "./elements.js";
import { CARD_FACTOR_BYTES_5_TO_12, type CardFactorRule, cityFactor } from "./factors.js";
import { type FileId, fileDef, type SmMode, VISIT_SLOTS } from "./files.js";
import { type KeyName, STK_OF_DF } from "./keys.js";
import { CardNavigator } from "./navigator.js";
import { PROJECT_RECORD_SIGNATURE, type RecordSignatureScheme } from "./record-signature.js";
import {
  ALLERGY_LAYOUT,
  type Allergy,
  decodeElementRecord,
  decodeIndexFlag,
  decodePhoto,
  decodePhotoLength,
  encodeElementRecord,
  encodePhoto,
  IMMUNISATION_LAYOUT,
  type Immunisation,
  isEmptyRecord,
} from "./records.js";
import {
  decodeInpatientRecord,
  decodeOutpatientRecord,
  ED_LAYOUT,
  EE_LAYOUT,
  encodeInpatientRecord,
  encodeOutpatientRecord,
  type InpatientInput,
  type InpatientRecord,
  type OutpatientInput,
  type OutpatientRecord,
  type VisitLayout,
} from "./visit-records.js";

/** The TLV record files, read and written element by element. */
export type TlvFileId =
  | "DDF1/EF05"
  | "DDF1/EF06"
  | "DDF1/EF08"
  | "DF01/EF05"
  | "DF01/EF06"
  | "DF01/EF07"
  | "DF01/EF08"
  | "DF02/EF05"
  | "DF02/EF06";

/** strict = SM as S1 demands; lenient = what vendor-compatible cards accept (spec §10 #8–#10). */
export type CardMode = "strict" | "lenient";

export type VisitKind = "inpatient" | "outpatient";

export interface HealthCardSessionOptions {
  /** Needed for everything except the free read of DDF1/EF05. */
  readonly sam?: SamSession;
  readonly mode?: CardMode;
  /** [P] numeric rule for counts and money in visit records. */
  readonly numeric?: NumericCnRule;
  /** [P] where cardF sits in the reset answer. */
  readonly cardFactor?: CardFactorRule;
  /** [P] visit-record signature scheme. */
  readonly signature?: RecordSignatureScheme;
  /** Milliseconds one APDU may take before the card counts as mute. */
  readonly timeoutMs?: number;
}

export interface Identity {
  readonly issuer: FileElements<"DDF1/EF05">;
  readonly holder: FileElements<"DDF1/EF06">;
  readonly contact: FileElements<"DDF1/EF08">;
}

export interface FullCard extends Identity {
  /** JPEG bytes, or undefined when no photo is stored. */
  readonly photo: Uint8Array | undefined;
  readonly addresses: FileElements<"DF01/EF05">;
  readonly contacts: FileElements<"DF01/EF06">;
  readonly personal: FileElements<"DF01/EF07">;
  readonly documents: FileElements<"DF01/EF08">;
  readonly clinical: FileElements<"DF02/EF05">;
  readonly special: FileElements<"DF02/EF06">;
  /** Newest first. */
  readonly allergies: Allergy[];
  readonly immunisations: Immunisation[];
}

/** valid: signed by the certificate's key; invalid: the signature does not match; unsigned: none stored. */
export type SignatureStatus = "valid" | "invalid" | "unsigned" | "not-checked";

export type VisitEntry =
  | {
      readonly kind: "inpatient";
      readonly slot: number;
      readonly record: InpatientRecord;
      readonly signature: SignatureStatus;
    }
  | {
      readonly kind: "outpatient";
      readonly slot: number;
      readonly record: OutpatientRecord;
      readonly signature: SignatureStatus;
    };

const READ_RECORD = (record: number): PipelineCommand => ({ cla: 0x00, ins: 0xb2, p1: record, p2: 0x04, le: 256 });
const EF05_CITY_RECORD = elementDef("cityCode").record;
const EF05_CARD_NUMBER_RECORD = elementDef("cardNumber").record;
const PHOTO_FIRST_BLOCK = 0x80;
const VISIT_LAYOUT: Readonly<Record<VisitKind, VisitLayout>> = { inpatient: EE_LAYOUT, outpatient: ED_LAYOUT };

/**
 * The APDU planning behind `HealthCardSession` (spec §6): no SELECT for the file already selected,
 * one EXTERNAL AUTHENTICATE per DF and key, records read once per session, writes validated
 * completely before the first APDU. Not safe for concurrent callers: the session queues them.
 */
export class CardOperations {
  readonly channel: ApduChannel;
  private readonly nav: CardNavigator;
  private readonly cardF: Uint8Array;
  private cityF: Uint8Array | undefined;
  private readonly records = new Map<FileId, Map<number, Uint8Array>>();
  private readonly codec: CodecOptions;
  readonly mode: CardMode;

  constructor(
    readonly connection: CardConnection,
    private readonly options: HealthCardSessionOptions,
  ) {
    this.mode = options.mode ?? "strict";
    this.codec = options.numeric ? { numeric: options.numeric } : {};
    this.cardF = (options.cardFactor ?? CARD_FACTOR_BYTES_5_TO_12).extract(connection.atr);
    const factors = () => this.factors();
    this.channel = new ApduChannel(connection, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.sam ? { sam: options.sam, factors } : {}),
    });
    this.nav = new CardNavigator(this.channel, () => this.sam(), factors);
  }

  /** APDUs sent to the user card so far (SAM APDUs are counted by the SAM session's channel). */
  get apduCount(): number {
    return this.channel.apduCount;
  }

  private sam(): SamSession {
    if (!this.options.sam) throw new RhcError("SAM_MISSING", { detail: "this operation needs the SAM" });
    return this.options.sam;
  }

  private factors(): CardFactors {
    return this.cityF ? { cardF: this.cardF, cityF: this.cityF } : { cardF: this.cardF };
  }

  // ---- records and preparation ----------------------------------------------------------------

  private cached(file: FileId): Map<number, Uint8Array> {
    let map = this.records.get(file);
    if (!map) {
      map = new Map();
      this.records.set(file, map);
    }
    return map;
  }

  /**
   * Reads records of `file` that are not cached yet (one READ RECORD each). With `untilMissing`
   * (cyclic files, which hold only the records written so far) 6A83 ends the list instead of failing.
   */
  private async readRecords(
    file: FileId,
    numbers: readonly number[],
    options: { untilMissing?: boolean } = {},
  ): Promise<Map<number, Uint8Array>> {
    const cache = this.cached(file);
    for (const n of numbers) {
      if (cache.has(n)) continue;
      await this.nav.selectFile(file);
      const context = `READ RECORD ${file} #${n}`;
      const response = await this.channel.send(READ_RECORD(n));
      if (options.untilMissing && response.sw === 0x6a83) break;
      if (response.sw !== 0x9000) throw swError(response.sw, context);
      cache.set(n, response.data);
    }
    return cache;
  }

  /**
   * Learns what later steps need from the free file DDF1/EF05 before entering another DF (a DF
   * change would drop authentication): element 57 for 2-level keys, element 08 for signatures.
   */
  private async learn(needs: { city?: boolean; cardNumber?: boolean }): Promise<void> {
    const wanted = [
      ...(needs.city && !this.cityF ? [EF05_CITY_RECORD] : []),
      ...(needs.cardNumber ? [EF05_CARD_NUMBER_RECORD] : []),
    ];
    const records = await this.readRecords("DDF1/EF05", wanted);
    if (needs.city && !this.cityF) this.learnCity(records.get(EF05_CITY_RECORD)!);
  }

  private learnCity(record: Uint8Array): void {
    const city = decodeElementRecord(elementDef("cityCode"), record, this.codec) as string;
    this.cityF = cityFactor(city);
  }

  private async cardNumber(): Promise<string> {
    await this.learn({ cardNumber: true });
    const record = this.cached("DDF1/EF05").get(EF05_CARD_NUMBER_RECORD)!;
    return decodeElementRecord(elementDef("cardNumber"), record, this.codec) as string;
  }

  /**
   * Positions on `file` with `key` authenticated. cityF is learnt first whenever a key is needed:
   * most keys and the STKs of DF02/DF03 are 2-level, and learning it later would cost the DF.
   */
  private async access(file: FileId, key: KeyName | "free"): Promise<void> {
    if (key !== "free") await this.learn({ city: true });
    await this.nav.selectFile(file);
    if (key !== "free") await this.nav.authenticate(key);
  }

  private smMode(rule: { strict: SmMode; lenient: SmMode }): SmMode {
    return rule[this.mode];
  }

  // ---- TLV files ------------------------------------------------------------------------------

  /**
   * Reads the elements of a TLV file (all of them, or only `keys`). DDF1/EF05: no authentication;
   * other files: the file's read key once per DF.
   */
  async readFile<F extends TlvFileId>(file: F, keys?: readonly ElementKey[]): Promise<FileElements<F>> {
    const def = fileDef(file);
    const elements = elementsOf(file).filter((e) => !keys || keys.includes(e.key as ElementKey));
    const missing = elements.filter((e) => !this.cached(file).has(e.record));
    if (missing.length > 0) await this.access(file, def.read);
    const records = await this.readRecords(
      file,
      elements.map((e) => e.record),
    );
    const out: Record<string, AnyFieldValue> = {};
    for (const e of elements) out[e.key] = decodeElementRecord(e, records.get(e.record)!, this.codec);
    if (file === "DDF1/EF05" && !this.cityF && records.has(EF05_CITY_RECORD))
      this.learnCity(records.get(EF05_CITY_RECORD)!);
    return out as FileElements<F>;
  }

  /**
   * Writes the given elements of a TLV file, each as one UPDATE RECORD with the file's SM (enc+mac:
   * 5 APDUs per element; plain: 1), after the update key's authentication. Every value is
   * validated before the first APDU; absent keys are left unchanged.
   */
  async writeFile<F extends TlvFileId>(file: F, values: Partial<FileElements<F>>): Promise<void> {
    const def = fileDef(file);
    const elements = elementsOf(file);
    const writes = Object.entries(values as Record<string, AnyFieldValue>).map(([key, value]) => {
      const element = elements.find((e) => e.key === key);
      if (!element) {
        throw new RhcError("FIELD_INVALID", { detail: `${file} has no element "${key}"`, data: { field: key } });
      }
      return { element, record: encodeElementRecord(element, value, this.codec) };
    });
    if (writes.length === 0) return;
    const sm = this.smMode(def.update.sm);
    await this.access(file, def.update.key);
    for (const { element, record } of writes.sort((a, b) => a.element.record - b.element.record)) {
      const command: PipelineCommand =
        sm === "plain"
          ? { cla: 0x00, ins: 0xdc, p1: element.record, p2: 0x04, data: record }
          : {
              cla: 0x04,
              ins: 0xdc,
              p1: element.record,
              p2: 0x04,
              data: record,
              sm: { mode: sm, key: STK_OF_DF[def.df] },
            };
      this.cached(file).delete(element.record);
      await this.update(
        command,
        `UPDATE RECORD ${file} #${element.record} (${element.key})`,
        def.writableAfterIssuance,
      );
      this.cached(file).set(element.record, record);
      if (element.key === "cityCode") this.cityF = undefined;
    }
  }

  private async update(command: PipelineCommand, context: string, writable = true): Promise<void> {
    const response = await this.channel.send(command);
    if (response.sw === 0x9000) return;
    if (!writable && response.sw === 0x6985)
      throw new RhcError("WRITE_PROTECTED", { sw: response.sw, detail: context });
    throw swError(response.sw, context);
  }

  /** DDF1 EF05 + EF06 + EF08: what a registration desk reads. */
  async readIdentity(): Promise<Identity> {
    const issuer = await this.readFile("DDF1/EF05");
    const holder = await this.readFile("DDF1/EF06");
    const contact = await this.readFile("DDF1/EF08");
    return { issuer, holder, contact };
  }

  // ---- photo ----------------------------------------------------------------------------------

  /** The photo (JPEG) or undefined: first block carries the length, the rest follows in 0x80 chunks. */
  async readPhoto(): Promise<Uint8Array | undefined> {
    const def = fileDef("DDF1/EF07");
    await this.access(def.id, def.read);
    const first = await this.nav.call({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: PHOTO_FIRST_BLOCK }, "READ BINARY photo");
    const n = decodePhotoLength(first);
    if (n === 0) return undefined;
    let content = first;
    if (n + 2 > first.length) {
      const offset = first.length;
      const rest = await this.nav.call(
        { cla: 0, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le: n + 2 - offset },
        "READ BINARY photo",
      );
      content = concatBytes(first, rest);
    }
    return decodePhoto(content);
  }

  /**
   * Writes the photo so that a torn write never leaves a valid-looking length over partial data:
   * data first with a zero length prefix, then the real prefix (one extra 2-byte UPDATE BINARY).
   */
  async writePhoto(jpeg: Uint8Array): Promise<void> {
    const stored = encodePhoto(jpeg);
    const def = fileDef("DDF1/EF07");
    await this.access(def.id, def.update.key);
    const body = stored.slice();
    body[0] = 0;
    body[1] = 0;
    await this.update({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: body }, "UPDATE BINARY photo");
    await this.update({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: stored.subarray(0, 2) }, "UPDATE BINARY photo length");
  }

  // ---- allergies and immunisations (cyclic) ---------------------------------------------------

  private async readCyclic(file: "DF02/EF07" | "DF02/EF08"): Promise<Uint8Array[]> {
    const def = fileDef(file);
    const numbers = Array.from({ length: def.records! }, (_, i) => i + 1);
    const cache = this.cached(file);
    // A cached gap means the file ended there when it was read.
    const complete = cache.has(-1) || numbers.every((n) => cache.has(n));
    if (!complete) {
      await this.access(file, def.read);
      await this.readRecords(file, numbers, { untilMissing: true });
      if (!numbers.every((n) => cache.has(n))) cache.set(-1, new Uint8Array(0));
    }
    return numbers.filter((n) => cache.has(n)).map((n) => cache.get(n)!);
  }

  /** Allergies, newest first (record 1 is always the latest write). */
  async readAllergies(): Promise<Allergy[]> {
    return (await this.readCyclic("DF02/EF07"))
      .map((r) => decodeLayout(ALLERGY_LAYOUT, r, this.codec) as Allergy)
      .filter((a) => !isEmptyRecord(a));
  }

  async readImmunisations(): Promise<Immunisation[]> {
    return (await this.readCyclic("DF02/EF08"))
      .map((r) => decodeLayout(IMMUNISATION_LAYOUT, r, this.codec) as Immunisation)
      .filter((i) => !isEmptyRecord(i));
  }

  private async appendCyclic(file: "DF02/EF07" | "DF02/EF08", record: Uint8Array): Promise<void> {
    const def = fileDef(file);
    const sm = this.smMode(def.update.sm);
    await this.access(file, def.update.key);
    const command: PipelineCommand =
      sm === "plain"
        ? { cla: 0x00, ins: 0xdc, p1: 0x00, p2: 0x03, data: record }
        : { cla: 0x04, ins: 0xdc, p1: 0x00, p2: 0x03, data: record, sm: { mode: sm, key: STK_OF_DF[def.df] } };
    this.records.delete(file);
    await this.update(command, `UPDATE RECORD ${file} (cyclic)`);
  }

  /** Adds an allergy; it becomes record 1 and the oldest of three is overwritten. */
  addAllergy(allergy: Allergy): Promise<void> {
    return this.appendCyclic("DF02/EF07", encodeLayout(ALLERGY_LAYOUT, { ...allergy }, this.codec));
  }

  addImmunisation(immunisation: Immunisation): Promise<void> {
    return this.appendCyclic("DF02/EF08", encodeLayout(IMMUNISATION_LAYOUT, { ...immunisation }, this.codec));
  }

  /** Everything but the visit records: identity, photo, DF01, DF02. */
  async readAll(): Promise<FullCard> {
    const identity = await this.readIdentity();
    const photo = await this.readPhoto();
    const addresses = await this.readFile("DF01/EF05");
    const contacts = await this.readFile("DF01/EF06");
    const personal = await this.readFile("DF01/EF07");
    const documents = await this.readFile("DF01/EF08");
    const clinical = await this.readFile("DF02/EF05");
    const special = await this.readFile("DF02/EF06");
    const allergies = await this.readAllergies();
    const immunisations = await this.readImmunisations();
    return {
      ...identity,
      photo,
      addresses,
      contacts,
      personal,
      documents,
      clinical,
      special,
      allergies,
      immunisations,
    };
  }

  // ---- visit records (DF03) -------------------------------------------------------------------

  /** Index flags of the EE (3) or ED (5) slots: true = the record is valid. */
  async readVisitIndex(kind: VisitKind): Promise<boolean[]> {
    const file = VISIT_SLOTS[kind].index;
    const count = fileDef(file).records!;
    const numbers = Array.from({ length: count }, (_, i) => i + 1);
    if (numbers.some((n) => !this.cached(file).has(n))) await this.access(file, fileDef(file).read);
    const records = await this.readRecords(file, numbers);
    return numbers.map((n) => decodeIndexFlag(records.get(n)!));
  }

  private slotFile(kind: VisitKind, slot: number): FileId {
    const files = VISIT_SLOTS[kind].files;
    if (!Number.isInteger(slot) || slot < 1 || slot > files.length) {
      throw new RhcError("INVALID_INPUT", { detail: `${kind} slot must be 1..${files.length}, got ${slot}` });
    }
    return files[slot - 1]!;
  }

  private async readSlot(kind: VisitKind, slot: number): Promise<Uint8Array> {
    const file = this.slotFile(kind, slot);
    const layout = VISIT_LAYOUT[kind];
    await this.access(file, fileDef(file).read);
    const bytes = await this.nav.call({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: layout.size }, `READ BINARY ${file}`);
    if (bytes.length !== layout.size) {
      throw new RhcError("CARD_DATA_INVALID", { detail: `${file}: ${bytes.length} of ${layout.size} bytes` });
    }
    return bytes;
  }

  private signatureStatus(kind: VisitKind, slot: number, bytes: Uint8Array, cardNumber: string): SignatureStatus {
    const layout = VISIT_LAYOUT[kind];
    const signature = bytes.subarray(layout.signatureOffset, layout.certificateOffset);
    if (signature.every((b) => b === 0) || signature.every((b) => b === 0xff)) return "unsigned";
    const input = {
      samCertificate: bytes.subarray(layout.certificateOffset),
      cardNumber,
      fid: fileDef(this.slotFile(kind, slot)).fid,
      data: bytes.subarray(0, layout.signedLength),
    };
    return (this.options.signature ?? PROJECT_RECORD_SIGNATURE).verify(input, signature) ? "valid" : "invalid";
  }

  private decodeVisit(kind: VisitKind, slot: number, bytes: Uint8Array, signature: SignatureStatus): VisitEntry {
    return kind === "inpatient"
      ? { kind, slot, signature, record: decodeInpatientRecord(bytes, this.codec) }
      : { kind, slot, signature, record: decodeOutpatientRecord(bytes, this.codec) };
  }

  /** One visit record with its signature checked (`verify: false` skips the check). */
  async readVisitRecord(kind: VisitKind, slot: number, options: { verify?: boolean } = {}): Promise<VisitEntry> {
    const verify = options.verify !== false;
    const cardNumber = verify ? await this.cardNumber() : "";
    const bytes = await this.readSlot(kind, slot);
    return this.decodeVisit(
      kind,
      slot,
      bytes,
      verify ? this.signatureStatus(kind, slot, bytes, cardNumber) : "not-checked",
    );
  }

  /** All valid visit records (index first, then each valid slot), inpatient then outpatient. */
  async readVisitHistory(options: { kinds?: readonly VisitKind[]; verify?: boolean } = {}): Promise<VisitEntry[]> {
    const verify = options.verify !== false;
    const cardNumber = verify ? await this.cardNumber() : "";
    const out: VisitEntry[] = [];
    for (const kind of options.kinds ?? (["inpatient", "outpatient"] as const)) {
      const flags = await this.readVisitIndex(kind);
      for (const [i, valid] of flags.entries()) {
        if (!valid) continue;
        const bytes = await this.readSlot(kind, i + 1);
        const status = verify ? this.signatureStatus(kind, i + 1, bytes, cardNumber) : "not-checked";
        out.push(this.decodeVisit(kind, i + 1, bytes, status));
      }
    }
    return out;
  }

  /** Raw bytes of a visit record (any range inside the file), read in 0x80 blocks. */
  async readVisitBytes(kind: VisitKind, slot: number, offset: number, length: number): Promise<Uint8Array> {
    const file = this.slotFile(kind, slot);
    this.checkRange(kind, offset, length, VISIT_LAYOUT[kind].size);
    await this.access(file, fileDef(file).read);
    return this.nav.call({ cla: 0, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le: length }, `READ BINARY ${file}`);
  }

  /**
   * Raw write into a visit record's data part (vendor partial writes, compat layer). The stored
   * signature no longer matches afterwards; `writeVisitRecord` is the signed way.
   */
  async writeVisitBytes(kind: VisitKind, slot: number, offset: number, data: Uint8Array): Promise<void> {
    const file = this.slotFile(kind, slot);
    this.checkRange(kind, offset, data.length, VISIT_LAYOUT[kind].signedLength);
    await this.access(file, fileDef(file).update.key);
    await this.update({ cla: 0, ins: 0xd6, p1: offset >> 8, p2: offset & 0xff, data }, `UPDATE BINARY ${file}`);
  }

  private checkRange(kind: VisitKind, offset: number, length: number, limit: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 1 || offset + length > limit) {
      throw new RhcError("INVALID_INPUT", { detail: `${kind} record range ${offset}+${length} outside 0..${limit}` });
    }
  }

  /** The slot the next record of `kind` goes to (first free, else oldest); reads the index. */
  async nextVisitSlot(kind: VisitKind): Promise<number> {
    return this.chooseSlot(kind, await this.readVisitIndex(kind));
  }

  /** The slot to write: the first free one, else the one holding the oldest visit. */
  private async chooseSlot(kind: VisitKind, flags: readonly boolean[]): Promise<number> {
    const free = flags.indexOf(false);
    if (free >= 0) return free + 1;
    const layout = VISIT_LAYOUT[kind];
    const dateField = layout.fields[2]!; // admission date (EE) / visit date-time (ED), both at offset 80
    let oldest = { slot: 1, date: "~" };
    for (let slot = 1; slot <= flags.length; slot++) {
      const file = this.slotFile(kind, slot);
      await this.access(file, fileDef(file).read);
      const bytes = await this.nav.call(
        { cla: 0, ins: 0xb0, p1: 0, p2: dateField.offset, le: dateField.length },
        `READ BINARY ${file} date`,
      );
      const value = String(decodeField(dateField, bytes, this.codec));
      if (value < oldest.date) oldest = { slot, date: value };
    }
    return oldest.slot;
  }

  private indexCommand(kind: VisitKind, slot: number, valid: boolean): { command: PipelineCommand; key: KeyName } {
    const def = fileDef(VISIT_SLOTS[kind].index);
    const rule = valid ? def.update : def.erase!;
    const sm = this.smMode(rule.sm);
    const base = { cla: 0x84, ins: valid ? 0xd2 : 0x0c, p1: slot, p2: 0x04 };
    const command: PipelineCommand = sm === "plain" ? base : { ...base, sm: { mode: "mac", key: STK_OF_DF.DF03 } };
    return { command, key: rule.key };
  }

  /** WRITE RECORD (valid, UK1DF03) or ERASE RECORD (free, UK2DF03) of an index flag, MAC per mode. */
  async markVisitRecord(kind: VisitKind, slot: number, valid: boolean): Promise<void> {
    this.slotFile(kind, slot);
    const file = VISIT_SLOTS[kind].index;
    const { command, key } = this.indexCommand(kind, slot, valid);
    await this.access(file, key);
    this.cached(file).delete(slot);
    await this.update(command, `${valid ? "WRITE" : "ERASE"} RECORD ${file} #${slot}`);
    this.cached(file).set(slot, Uint8Array.of(valid ? 0x00 : 0xff));
  }

  /**
   * Writes a visit record (spec §6.8–§6.9): validate and sign first (SAM SM2 over the [P] hash),
   * free the slot's flag if it was valid, write data ‖ signature ‖ SAM certificate in one pass,
   * then set the index flag — a torn write never leaves a valid flag over a partial record.
   */
  async writeVisitRecord(
    kind: VisitKind,
    values: InpatientInput | OutpatientInput,
    options: { slot?: number } = {},
  ): Promise<{ slot: number; replaced: boolean }> {
    const data =
      kind === "inpatient"
        ? encodeInpatientRecord(values as InpatientInput, this.codec)
        : encodeOutpatientRecord(values as OutpatientInput, this.codec);
    if (options.slot !== undefined) this.slotFile(kind, options.slot);
    const sam = this.sam();
    if (!sam.isPinVerified) throw new RhcError("SAM_PIN_REQUIRED", { detail: "signing a visit record" });
    const cardNumber = await this.cardNumber();
    await this.learn({ city: true });
    const samCertificate = await sam.samCertificate();

    const flags = await this.readVisitIndex(kind);
    const slot = options.slot ?? (await this.chooseSlot(kind, flags));
    const file = this.slotFile(kind, slot);
    const scheme = this.options.signature ?? PROJECT_RECORD_SIGNATURE;
    const digest = scheme.digest({ samCertificate, cardNumber, fid: fileDef(file).fid, data });
    const signature = await sam.sm2Sign(digest);

    const replaced = flags[slot - 1] === true;
    if (replaced) await this.markVisitRecord(kind, slot, false);
    await this.access(file, fileDef(file).update.key);
    const record = concatBytes(data, signature, samCertificate);
    await this.update({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: record }, `UPDATE BINARY ${file}`);
    await this.markVisitRecord(kind, slot, true);
    return { slot, replaced };
  }

  // ---- authenticity ---------------------------------------------------------------------------

  /**
   * [P] INTERNAL AUTHENTICATE (spec §6.12): the card answers a random R with its IRK; the SAM
   * recomputes the answer. 1 card APDU (+ SELECT DDF1 if elsewhere), 2 SAM APDUs.
   */
  async internalAuthenticate(): Promise<boolean> {
    await this.learn({ city: true });
    await this.nav.selectDf("DDF1");
    const r = new Uint8Array(randomBytes(8));
    const answer = await this.nav.call(
      { cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x01, data: r, le: 16 },
      "INTERNAL AUTHENTICATE",
    );
    const expected = await this.sam().internalAuthExpected(this.factors(), r);
    return answer.length === 16 && bytesEqual(answer, expected);
  }

  /**
   * [P] Ends personalisation: ACTIVATE FILE on DDF1 with a MAC under STKDDF1 (spec §6.15 step 7);
   * afterwards DDF1 EF05/EF06 are write-protected. In DDF1: 2 card APDUs (GET CHALLENGE,
   * ACTIVATE FILE) and 2 SAM APDUs (derive, MAC).
   */
  async lockPersonalData(): Promise<void> {
    await this.learn({ city: true });
    await this.nav.selectDf("DDF1");
    await this.update(
      { cla: 0x84, ins: 0x44, p1: 0x00, p2: 0x00, sm: { mode: "mac", key: STK_OF_DF.DDF1 } },
      "ACTIVATE FILE DDF1",
    );
  }

  /**
   * Is the card genuine (spec §6.12, §4.6)? INTERNAL AUTHENTICATE verified through the SAM, and the
   * issuer certificate (element 05) verified against `roots`. The result says which checks passed;
   * a card pulled or a dead service is thrown, not reported as "not genuine".
   * From a fresh session: 5 card APDUs (SELECT DDF1, SELECT EF05, 3 READ RECORD) + 1 INTERNAL
   * AUTHENTICATE, and 2 SAM APDUs.
   */
  async checkAuthenticity(options: { roots: readonly TrustedRoot[]; at?: string }): Promise<AuthenticityResult> {
    const issuer = await this.readFile("DDF1/EF05", ["issuerCode", "issuerCertificate", "cityCode"]);
    let internalAuthentication: CheckResult;
    try {
      internalAuthentication = (await this.internalAuthenticate())
        ? passed
        : { status: "failed", reasons: ["CRYPTOGRAM_MISMATCH"] };
    } catch (error) {
      if (isInfrastructureFailure(error)) throw error;
      internalAuthentication =
        error instanceof RhcError && error.sw !== undefined
          ? { status: "failed", reasons: [`SW ${swHex(error.sw)}`] }
          : errored(error);
    }
    const issuerCertificate = checkIssuerCertificate(
      issuer.issuerCertificate,
      issuer.issuerCode,
      options.roots,
      options.at,
    );
    return {
      genuine: internalAuthentication.status === "passed" && issuerCertificate.status === "passed",
      checks: { internalAuthentication, issuerCertificate },
    };
  }

  /** Ends the session; `reset` makes the card forget its security state. */
  async close(disposition: "leave" | "reset" = "reset"): Promise<void> {
    await this.connection.disconnect(disposition);
  }
}
