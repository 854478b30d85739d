import { decodeCn, encodeCn } from "./cn.js";
import { cardDataInvalid, type FieldName, fieldInvalid } from "./field-error.js";

/**
 * How counts and money amounts (`cn 02..06` quantities in the visit records) are laid out. The
 * spec's rule is not public, so this is a [P] strategy (spec §3.1): swap it if the real rule surfaces.
 * Money is an integer number of fen (0.01 CNY).
 */
export interface NumericCnRule {
  readonly name: string;
  encode(value: number, length: number, field: FieldName): Uint8Array;
  /** `undefined` for an unwritten (all-F) field. */
  decode(bytes: Uint8Array, field: FieldName): number | undefined;
}

function checkValue(value: number, length: number, field: FieldName): string {
  if (!Number.isSafeInteger(value) || value < 0) throw fieldInvalid(field, `must be a whole number ≥ 0, got ${value}`);
  const digits = String(value);
  if (digits.length > length * 2) throw fieldInvalid(field, `${value} needs more than ${length * 2} digits`);
  return digits;
}

function decodeDigits(bytes: Uint8Array, field: FieldName): number | undefined {
  const digits = decodeCn(bytes, field);
  if (digits === "") return undefined;
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw cardDataInvalid(field, "number too large");
  return value;
}

/** [P] default: right-justified, leading zeros fill the whole field, no F ("00001250" for 12.50 CNY in cn 4). */
export const ZERO_FILLED_NUMERIC: NumericCnRule = {
  name: "zero-filled",
  encode(value, length, field) {
    return encodeCn(checkValue(value, length, field).padStart(length * 2, "0"), length, field);
  },
  decode: decodeDigits,
};

/** Alternative: the generic cn rule (left-justified, F-padded), as some vendor code writes quantities. */
export const F_PADDED_NUMERIC: NumericCnRule = {
  name: "f-padded",
  encode(value, length, field) {
    return encodeCn(checkValue(value, length, field), length, field);
  },
  decode: decodeDigits,
};
