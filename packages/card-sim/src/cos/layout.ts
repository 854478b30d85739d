/**
 * The static description of a card's file tree (what a card factory creates before
 * personalisation): DFs with names, key slots and PINs; EFs with structure, size and access rules.
 * Profiles (resident card, SAM, staff card) are values of these types: data, not code.
 */

/** Who may do something: nobody, everybody, or anyone holding one of the listed credentials. */
export type Condition = "always" | "never" | readonly Credential[];

/** A security state a DF can hold: `key:<DF path>#<key id>` or `pin:<DF path>#<reference>`. */
export type Credential = string;

export type SmLevel = "none" | "mac" | "enc";

export interface EfAccess {
  read: Condition;
  /** UPDATE BINARY, UPDATE RECORD, APPEND RECORD. */
  update: Condition;
  /** ERASE RECORD (84 0C): mark an index record invalid (FF). */
  erase?: Condition;
  /** WRITE RECORD (84 D2): mark an index record valid (00). */
  write?: Condition;
  /** Secure messaging the card demands for changes; a plain change is refused with 6982. */
  sm?: SmLevel;
  /** Vendor-compatible mode accepts plain changes despite `sm` (C1 builds wrote these plain). */
  smOptionalForVendors?: boolean;
  /** Changes are refused (6985) once the card left personalisation ("禁止改写"). */
  frozenAfterIssue?: boolean;
}

export type EfStructure = "transparent" | "linear-fixed" | "linear-variable" | "cyclic";

/** For TLV record files: the element each record must carry (tag byte, value length). */
export interface RecordTemplate {
  readonly tag: number;
  readonly length: number;
}

export interface EfLayout {
  readonly kind: "ef";
  readonly fid: number;
  readonly label: string;
  readonly structure: EfStructure;
  /** Short EF identifier for READ RECORD/READ BINARY with SFI; defaults to none. */
  readonly sfi?: number;
  /** Transparent: size in bytes. */
  readonly size?: number;
  /** Fixed/cyclic: record length; variable: maximum record length. */
  readonly recordLength?: number;
  /** Fixed: record count; cyclic: capacity; variable: maximum record count. */
  readonly records?: number;
  /** TLV record files: record n must hold templates[n-1]. */
  readonly templates?: readonly RecordTemplate[];
  /** One-byte index records (DF03 EF05/EF06): WRITE RECORD sets 00, ERASE RECORD sets FF. */
  readonly indexFlags?: boolean;
  readonly access: EfAccess;
}

export type KeyKind = "transport" | "external-auth" | "internal-auth" | "maintenance" | "lock";

export interface KeySlot {
  /** Key number inside the DF's key file (low 7 bits of a key reference). */
  readonly id: number;
  readonly kind: KeyKind;
  readonly label: string;
  readonly maxTries: number;
}

export interface PinSlot {
  readonly ref: number;
  readonly label: string;
  readonly maxTries: number;
  /** How the PIN travels: packed BCD padded with F (PBOC) or ASCII digits (ISO staff cards). */
  readonly format: "bcd" | "ascii";
  readonly minDigits: number;
  readonly maxDigits: number;
}

export interface DfLayout {
  readonly kind: "df";
  readonly fid: number;
  readonly label: string;
  /** DF name / AID for SELECT by name. */
  readonly name?: Uint8Array;
  readonly keys?: readonly KeySlot[];
  readonly pins?: readonly PinSlot[];
  readonly children: readonly (DfLayout | EfLayout)[];
}

export const MF_FID = 0x3f00;

export const fidHex = (fid: number): string => fid.toString(16).toUpperCase().padStart(4, "0");
export const keyCredential = (dfPath: string, id: number): Credential =>
  `key:${dfPath}#${id.toString(16).toUpperCase().padStart(2, "0")}`;
export const pinCredential = (dfPath: string, ref: number): Credential =>
  `pin:${dfPath}#${ref.toString(16).toUpperCase().padStart(2, "0")}`;

/** Builders keep profile tables short. */
export const df = (fid: number, label: string, rest: Omit<DfLayout, "kind" | "fid" | "label">): DfLayout => ({
  kind: "df",
  fid,
  label,
  ...rest,
});
export const ef = (fid: number, label: string, rest: Omit<EfLayout, "kind" | "fid" | "label">): EfLayout => ({
  kind: "ef",
  fid,
  label,
  ...rest,
});
