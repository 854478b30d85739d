import { RhcError } from "@rhc/errors";
import { invalidInput } from "../guards.js";

/** Card field codecs: "cn" compressed numeric (BCD, right-padded with F) and YYYYMMDD dates. */

export function encodeCn(digits: string, length: number): Uint8Array {
  if (!/^[0-9]*$/.test(digits) || digits.length > length * 2) {
    throw invalidInput(`cn field needs at most ${length * 2} decimal digits`);
  }
  const padded = digits.padEnd(length * 2, "F");
  return new Uint8Array(Buffer.from(padded, "hex"));
}

export function decodeCn(bytes: Uint8Array, what: string): string {
  const hex = Buffer.from(bytes).toString("hex").toUpperCase();
  const match = /^([0-9]*)(F*)$/.exec(hex);
  if (!match) throw new RhcError("CRYPTO_DECODE", { detail: `${what}: not BCD digits right-padded with F` });
  return match[1]!;
}

export function isDate(value: string): boolean {
  if (!/^[0-9]{8}$/.test(value)) return false;
  const [y, m, d] = [value.slice(0, 4), value.slice(4, 6), value.slice(6)].map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function encodeDate(value: string, what: string): Uint8Array {
  if (!isDate(value)) throw invalidInput(`${what} must be a calendar date YYYYMMDD`);
  return encodeCn(value, 4);
}

export function decodeDate(bytes: Uint8Array, what: string): string {
  const value = decodeCn(bytes, what);
  if (!isDate(value)) throw new RhcError("CRYPTO_DECODE", { detail: `${what} is not a date YYYYMMDD` });
  return value;
}

/** The calendar date in China (UTC+8, no DST) at an instant: card dates are local dates. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll("-", "");
}
