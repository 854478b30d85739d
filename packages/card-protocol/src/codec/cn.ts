import { cardDataInvalid, type FieldName, fieldInvalid } from "./field-error.js";

const DIGITS = /^[0-9]*$/;

/**
 * `cn` (spec §3.1): compressed numeric, two BCD digits per byte, left-justified and right-padded
 * with the nibble F. An empty value is all F.
 */
export function encodeCn(digits: string, length: number, field: FieldName): Uint8Array {
  if (!DIGITS.test(digits)) throw fieldInvalid(field, `only digits 0-9 allowed, got ${JSON.stringify(digits)}`);
  if (digits.length > length * 2) throw fieldInvalid(field, `${digits.length} digits, at most ${length * 2} allowed`);
  const out = new Uint8Array(length).fill(0xff);
  for (let i = 0; i < digits.length; i++) {
    const nibble = digits.charCodeAt(i) - 48;
    const byte = i >> 1;
    out[byte] = i % 2 === 0 ? (nibble << 4) | 0x0f : (out[byte]! & 0xf0) | nibble;
  }
  return out;
}

/**
 * Reads `cn` digits, dropping the trailing F padding. A digit after an F, or A–E, is an error.
 * (Index loop, no per-byte arrays: a visit record holds some hundred of these fields.)
 */
export function decodeCn(bytes: Uint8Array, field: FieldName): string {
  return decodeCnAt(bytes, 0, bytes.length, field);
}

/** `decodeCn` of bytes[start, end), without a view per field (record layouts). */
export function decodeCnAt(bytes: Uint8Array, start: number, end: number, field: FieldName): string {
  let digits = "";
  let padded = false;
  for (let i = start * 2; i < end * 2; i++) {
    const byte = bytes[i >> 1]!;
    const nibble = i & 1 ? byte & 0x0f : byte >> 4;
    if (nibble === 0x0f) {
      padded = true;
    } else if (nibble > 9 || padded) {
      const hex = Buffer.from(bytes.subarray(start, end)).toString("hex").toUpperCase();
      throw cardDataInvalid(field, `not compressed numeric: ${hex}`);
    } else {
      digits += DIGIT_CHARS[nibble];
    }
  }
  return digits;
}

const DIGIT_CHARS = "0123456789";

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A calendar date YYYYMMDD (years 1900–2099, enough for births, visits and card expiry). */
export function isValidDate(value: string): boolean {
  if (!/^\d{8}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** A date-time YYYYMMDDhhmmss (7 bytes of cn, spec §3.1). */
export function isValidDateTime(value: string): boolean {
  if (!/^\d{14}$/.test(value) || !isValidDate(value.slice(0, 8))) return false;
  const [h, m, s] = [value.slice(8, 10), value.slice(10, 12), value.slice(12, 14)].map(Number) as [
    number,
    number,
    number,
  ];
  return h <= 23 && m <= 59 && s <= 59;
}
