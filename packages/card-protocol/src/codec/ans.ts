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
  if (bytes.every((b) => b === 0xff)) return "";
  const nul = bytes.indexOf(0);
  let end = nul < 0 ? bytes.length : nul;
  while (end > 0 && bytes[end - 1] === 0x20) end--;
  const body = bytes.subarray(0, end);
  // Fast path: codes, numbers and Latin text are ASCII, which GBK shares byte for byte.
  if (body.every((b) => b < 0x80)) return String.fromCharCode(...body);
  let text: string;
  try {
    text = gbkDecoder.decode(body);
  } catch {
    throw cardDataInvalid(field, "not valid GBK text");
  }
  // Node's ICU decoder silently drops some invalid bytes (0xFF), so insist on an exact round trip.
  if (!bytesEqual(new Uint8Array(iconv.encode(text, "gbk")), body)) throw cardDataInvalid(field, "not valid GBK text");
  return text;
}
