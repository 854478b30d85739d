import { RhcError } from "@rhc/errors";
import { decodeAns, encodeAns } from "../codec/ans.js";
import { decodeCn, encodeCn } from "../codec/cn.js";
import type { AnyFieldValue, FieldSpec } from "../codec/field.js";
import { fieldInvalid } from "../codec/field-error.js";
import { fromHex, toHex } from "../util/hex.js";
import { STYLE } from "./parameters.js";

/** The DLL's string form of a value (spec §8.2): ans → text, cn → digits, b → uppercase hex. */
export function toCompatString(spec: FieldSpec, value: AnyFieldValue): string {
  if (value === undefined) return "";
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === "number") {
    return spec.kind === "byte" || spec.kind === "flag"
      ? value.toString(16).toUpperCase().padStart(2, "0")
      : String(value);
  }
  return value;
}

/** Parses a DLL input string; "" means "leave unchanged" and yields undefined. */
export function fromCompatString(spec: FieldSpec, text: string): AnyFieldValue {
  if (text === "") return undefined;
  switch (spec.kind) {
    case "byte":
    case "flag":
      if (!/^[0-9A-Fa-f]{1,2}$/.test(text)) throw fieldInvalid(spec, `expected 1–2 hex digits, got "${text}"`);
      return Number.parseInt(text, 16);
    case "bytes":
      try {
        return fromHex(text);
      } catch {
        throw fieldInvalid(spec, "expected hex");
      }
    case "number":
    case "money":
      if (!/^\d+$/.test(text)) throw fieldInvalid(spec, `expected digits, got "${text}"`);
      return Number(text);
    default:
      return text;
  }
}

const RANGE_FIELD = { key: "szData", zh: "数据", en: "record range" };
const badStyle = (style: number) =>
  new RhcError("INVALID_INPUT", { detail: `nStyle ${style} is not 0x00, 0x01, 0x0F or 0xFF` });

/** Renders raw record bytes in an nStyle of iR_DF03EEInfo. */
export function renderStyle(bytes: Uint8Array, style: number): string {
  switch (style) {
    case STYLE.RAW:
    case STYLE.B:
      return toHex(bytes);
    case STYLE.ANS:
      return decodeAns(bytes, RANGE_FIELD);
    case STYLE.CN:
      return decodeCn(bytes, RANGE_FIELD);
    default:
      throw badStyle(style);
  }
}

/**
 * Parses the szData of iW_DF03EEInfo in an nStyle into exactly `length` bytes (ans 0x00-padded,
 * cn F-padded, hex as given). An unknown nStyle is refused, never taken for hex.
 */
export function parseStyle(text: string, style: number, length: number): Uint8Array {
  let bytes: Uint8Array;
  switch (style) {
    case STYLE.ANS:
      bytes = encodeAns(text, length, RANGE_FIELD);
      break;
    case STYLE.CN:
      bytes = encodeCn(text, length, RANGE_FIELD);
      break;
    case STYLE.RAW:
    case STYLE.B:
      bytes = fromHex(text);
      break;
    default:
      throw badStyle(style);
  }
  if (bytes.length !== length) {
    throw new RhcError("INVALID_INPUT", { detail: `szData is ${bytes.length} bytes, nLen ${length}` });
  }
  return bytes;
}
