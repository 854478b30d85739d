import iconv from "iconv-lite";
import { bytesEqual } from "../util/hex.js";
import { cardDataInvalid, type FieldName, fieldInvalid } from "./field-error.js";

const gbkDecoder = new TextDecoder("gbk", { fatal: true });

/**
 * `ans` (spec §3.1): GBK text (a superset of GB 2312), left-justified and padded with 0x00 to the
 * field's length in BYTES — a 30-byte name holds 15 Chinese characters.
 */
export function encodeAns(text: string, length: number, field: FieldName): Uint8Array {
  if (text.includes("\u0000")) throw fieldInvalid(field, "contains a NUL character");
  const bytes = new Uint8Array(iconv.encode(text, "gbk"));
  // iconv replaces characters GBK cannot represent with "?"; a round trip catches that.
  if (gbkDecoder.decode(bytes) !== text) throw fieldInvalid(field, "contains characters outside GBK");
  if (bytes.length > length) throw fieldInvalid(field, `${bytes.length} bytes in GBK, at most ${length} allowed`);
  const out = new Uint8Array(length);
  out.set(bytes);
  return out;
}

/**
 * Reads `ans` bytes. The text ends at the first 0x00; trailing 0x20 is tolerated (some issuers pad
 * with spaces) and an all-0xFF field is an unwritten one.
 */
export function decodeAns(bytes: Uint8Array, field: FieldName): string {
  return decodeAnsAt(bytes, 0, bytes.length, field);
}

/**
 * `decodeAns` of bytes[start, end) without a view per field: record layouts decode a hundred
 * fields per record, most of them empty (a leading 0x00, or all 0xFF), which cost one look.
 */
export function decodeAnsAt(bytes: Uint8Array, start: number, end: number, field: FieldName): string {
  if (start >= end || bytes[start] === 0 || allBytes(bytes, start, end, 0xff)) return "";
  let last = start;
  while (last < end && bytes[last] !== 0) last++;
  while (last > start && bytes[last - 1] === 0x20) last--;
  // Fast path: codes, numbers and Latin text are ASCII, which GBK shares byte for byte.
  let text = "";
  let i = start;
  for (; i < last && bytes[i]! < 0x80; i++) text += String.fromCharCode(bytes[i]!);
  if (i === last) return text;
  const body = bytes.subarray(start, last);
  try {
    text = gbkDecoder.decode(body);
  } catch {
    throw cardDataInvalid(field, "not valid GBK text");
  }
  // Node's ICU decoder silently drops some invalid bytes (0xFF), so insist on an exact round trip.
  if (!bytesEqual(new Uint8Array(iconv.encode(text, "gbk")), body)) throw cardDataInvalid(field, "not valid GBK text");
  return text;
}

function allBytes(bytes: Uint8Array, start: number, end: number, value: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== value) return false;
  return true;
}
