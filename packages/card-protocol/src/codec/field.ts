import { decodeAnsAt, encodeAns } from "./ans.js";
import { decodeCnAt, encodeCn, isValidDate, isValidDateTime } from "./cn.js";
import { cardDataInvalid, type FieldName, fieldInvalid } from "./field-error.js";
import { citizenIdProblem } from "./gb11643.js";
import { type NumericCnRule, ZERO_FILLED_NUMERIC } from "./numeric.js";

/** Storage format on the card (spec §3.1). */
export type FieldFormat = "ans" | "cn" | "b";

/**
 * What a field means, which decides its TypeScript value and its validation:
 * text (ans → string), digits (cn → digit string, optionally from a code list), date (cn 4,
 * "YYYYMMDD"), datetime (cn 7, "YYYYMMDDhhmmss"), number / money (cn, [P] numeric rule → number of
 * units / fen), byte (b 1 → 0..255, optionally from a code list), flag (b 1 → 0 | 1), bytes (b → raw).
 */
export type FieldKind = "text" | "digits" | "date" | "datetime" | "number" | "money" | "byte" | "flag" | "bytes";

/** Allowed values → Chinese label. Keys are digit strings for cn fields and decimal numbers for b. */
export type CodeList = Readonly<Record<string, string>>;

export interface FieldSpec extends FieldName {
  readonly format: FieldFormat;
  /** Length in bytes on the card. */
  readonly length: number;
  readonly kind: FieldKind;
  readonly codes?: CodeList;
  /** Extra validation when writing. */
  readonly check?: "gb11643";
  /** Digits fields that must be complete (for example the 6-digit city code). */
  readonly exactDigits?: number;
}

/** The decoded value of a field of kind K. */
export type FieldValue<K extends FieldKind> = K extends "number" | "money"
  ? number | undefined
  : K extends "byte" | "flag"
    ? number
    : K extends "bytes"
      ? Uint8Array
      : string;

export type AnyFieldValue = string | number | Uint8Array | undefined;

export interface CodecOptions {
  /** [P] layout of counts and money; defaults to right-justified zero-filled. */
  readonly numeric?: NumericCnRule;
}

/** The bytes of an unwritten field: 0x00 for ans and b, 0xFF (all F) for cn. */
export function emptyField(spec: Pick<FieldSpec, "format" | "length">): Uint8Array {
  return new Uint8Array(spec.length).fill(spec.format === "cn" ? 0xff : 0x00);
}

function expectString(spec: FieldSpec, value: AnyFieldValue): string {
  if (typeof value !== "string") throw fieldInvalid(spec, `expected text, got ${typeof value}`);
  return value;
}

function expectByte(spec: FieldSpec, value: AnyFieldValue): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 255) {
    throw fieldInvalid(spec, `expected a byte value 0..255, got ${String(value)}`);
  }
  return value;
}

function checkCode(spec: FieldSpec, value: string): void {
  if (spec.codes && !Object.hasOwn(spec.codes, value)) {
    throw fieldInvalid(spec, `${value} is not in the code list (${Object.keys(spec.codes).join(", ")})`);
  }
}

/** Encodes one field to exactly `spec.length` bytes, validating it; `undefined` writes the empty filler. */
export function encodeField(spec: FieldSpec, value: AnyFieldValue, options: CodecOptions = {}): Uint8Array {
  if (value === undefined || value === "") return emptyField(spec);
  switch (spec.kind) {
    case "text": {
      const text = expectString(spec, value);
      if (spec.check === "gb11643") {
        const problem = citizenIdProblem(text);
        if (problem) throw fieldInvalid(spec, `not a valid citizen ID number (GB 11643): ${problem}`);
      }
      return encodeAns(text, spec.length, spec);
    }
    case "digits": {
      const digits = expectString(spec, value);
      if (spec.exactDigits !== undefined && digits.length !== spec.exactDigits) {
        throw fieldInvalid(spec, `needs exactly ${spec.exactDigits} digits, got ${JSON.stringify(digits)}`);
      }
      const bytes = encodeCn(digits, spec.length, spec);
      checkCode(spec, digits);
      return bytes;
    }
    case "date": {
      const date = expectString(spec, value);
      if (!isValidDate(date)) throw fieldInvalid(spec, `${JSON.stringify(date)} is not a date YYYYMMDD`);
      return encodeCn(date, spec.length, spec);
    }
    case "datetime": {
      const dt = expectString(spec, value);
      if (!isValidDateTime(dt)) throw fieldInvalid(spec, `${JSON.stringify(dt)} is not a date-time YYYYMMDDhhmmss`);
      return encodeCn(dt, spec.length, spec);
    }
    case "number":
    case "money": {
      if (typeof value !== "number") throw fieldInvalid(spec, `expected a number, got ${typeof value}`);
      return (options.numeric ?? ZERO_FILLED_NUMERIC).encode(value, spec.length, spec);
    }
    case "byte":
    case "flag": {
      const byte = expectByte(spec, value);
      if (spec.kind === "flag" && byte > 1) throw fieldInvalid(spec, `a flag is 0 (no) or 1 (yes), got ${byte}`);
      checkCode(spec, String(byte));
      const out = new Uint8Array(spec.length);
      out[spec.length - 1] = byte;
      return out;
    }
    case "bytes": {
      if (!(value instanceof Uint8Array)) throw fieldInvalid(spec, "expected bytes");
      if (value.length !== spec.length)
        throw fieldInvalid(spec, `needs exactly ${spec.length} bytes, got ${value.length}`);
      return value.slice();
    }
  }
}

function allZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Decodes one field read from the card. Only the storage format is enforced here (GBK text, BCD
 * digits); code lists and dates are not, so one odd value never hides the rest of the card.
 * Unwritten dates (all F or all 00) read as "".
 */
export function decodeField(spec: FieldSpec, bytes: Uint8Array, options: CodecOptions = {}): AnyFieldValue {
  if (bytes.length !== spec.length) throw cardDataInvalid(spec, `${bytes.length} bytes instead of ${spec.length}`);
  return decodeFieldAt(spec, bytes, 0, options);
}

/**
 * `decodeField` of the spec.length bytes at `offset` (the caller checked they exist): a record
 * layout decodes every field in place, with a view only where a decoder needs one.
 */
export function decodeFieldAt(
  spec: FieldSpec,
  bytes: Uint8Array,
  offset: number,
  options: CodecOptions = {},
): AnyFieldValue {
  const end = offset + spec.length;
  switch (spec.kind) {
    case "text":
      return decodeAnsAt(bytes, offset, end, spec);
    case "digits":
      return decodeCnAt(bytes, offset, end, spec);
    case "date":
    case "datetime":
      return allZero(bytes, offset, end) ? "" : decodeCnAt(bytes, offset, end, spec);
    case "number":
    case "money":
      return (options.numeric ?? ZERO_FILLED_NUMERIC).decode(bytes.subarray(offset, end), spec);
    case "byte":
    case "flag":
      return bytes[end - 1]!;
    case "bytes":
      return bytes.slice(offset, end);
  }
}
