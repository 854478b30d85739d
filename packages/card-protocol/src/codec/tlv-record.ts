import { toHex } from "../util/hex.js";
import { cardDataInvalid, type FieldName, fieldInvalid } from "./field-error.js";

/** What a TLV record file (spec §2.3) expects in one record: tag = element number, fixed length. */
export interface TlvRecordSpec {
  readonly tag: number;
  readonly length: number;
  readonly field: FieldName;
}

/** One record = `T(1) L(1) V(L)`; the value is already padded to the element's full length. */
export function encodeTlvRecord(spec: TlvRecordSpec, value: Uint8Array): Uint8Array {
  if (value.length !== spec.length) {
    throw fieldInvalid(spec.field, `value has ${value.length} bytes, the record holds exactly ${spec.length}`);
  }
  const out = new Uint8Array(2 + value.length);
  out[0] = spec.tag;
  out[1] = value.length;
  out.set(value, 2);
  return out;
}

/**
 * Extracts the value of a TLV record. The tag must match. A shorter L than the element's length
 * is accepted (some issuers store short values) and padded with `filler`; a longer one is not.
 */
export function decodeTlvRecord(spec: TlvRecordSpec, record: Uint8Array, filler = 0x00): Uint8Array {
  const problem = (what: string) => cardDataInvalid(spec.field, `${what} in TLV record ${toHex(record.slice(0, 8))}…`);
  if (record.length < 2) throw problem("record shorter than T and L");
  if (record[0] !== spec.tag) throw problem(`tag ${record[0]!.toString(16)} instead of ${spec.tag.toString(16)}`);
  const length = record[1]!;
  if (length > spec.length) throw problem(`length ${length} exceeds the element's ${spec.length}`);
  if (record.length < 2 + length) throw problem(`length ${length} but only ${record.length - 2} value bytes`);
  const value = new Uint8Array(spec.length).fill(filler);
  value.set(record.subarray(2, 2 + length));
  return value;
}
