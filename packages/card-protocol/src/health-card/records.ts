import { RhcError } from "@rhc/errors";
import {
  type AnyFieldValue,
  type CodecOptions,
  decodeField,
  emptyField,
  encodeField,
  type FieldValue,
} from "../codec/field.js";
import { cardDataInvalid, fieldInvalid } from "../codec/field-error.js";
import { checkLayout, type LayoutValues, type RecordLayout } from "../codec/layout.js";
import { decodeTlvRecord, encodeTlvRecord } from "../codec/tlv-record.js";
import { type ElementDef, type ElementKey, type ElementValue, elementDef, elementsOf, tlvSpec } from "./elements.js";
import type { FileId } from "./files.js";

// ---- TLV element records (spec §2.3) --------------------------------------------------------

/** One TLV record `tag ‖ length ‖ value` for an element, value validated and padded. */
export function encodeElementRecord(element: ElementDef, value: AnyFieldValue, options?: CodecOptions): Uint8Array {
  return encodeTlvRecord(tlvSpec(element), encodeField(element, value, options));
}

/** Decodes one TLV record read from the card (tag checked, short lengths padded). */
export function decodeElementRecord(element: ElementDef, record: Uint8Array, options?: CodecOptions): AnyFieldValue {
  const filler = emptyField(element)[0];
  return decodeField(element, decodeTlvRecord(tlvSpec(element), record, filler), options);
}

/** The personalisation filler of an element's record ([P] spec §2.3: tag, length, empty value). */
export function emptyElementRecord(element: ElementDef): Uint8Array {
  return encodeTlvRecord(tlvSpec(element), emptyField(element));
}

/** Typed accessor: decodes element `key` from its record. */
export function decodeElement<K extends ElementKey>(
  key: K,
  record: Uint8Array,
  options?: CodecOptions,
): ElementValue<K> {
  return decodeElementRecord(elementDef(key), record, options) as ElementValue<K>;
}

/** Encodes a whole TLV file's records in record order (absent values → empty records). */
export function encodeTlvFile(
  file: FileId,
  values: Readonly<Record<string, AnyFieldValue>>,
  options?: CodecOptions,
): Uint8Array[] {
  const elements = elementsOf(file);
  for (const key of Object.keys(values)) {
    if (!elements.some((e) => e.key === key)) {
      throw new RhcError("FIELD_INVALID", { detail: `${file} has no element "${key}"`, data: { field: key } });
    }
  }
  return elements.map((e) => encodeElementRecord(e, values[e.key], options));
}

// ---- Fixed-layout records (spec §3.3) ----------------------------------------------------------

function field(
  key: string,
  zh: string,
  en: string,
  format: "ans" | "cn",
  offset: number,
  length: number,
  kind: "text" | "date",
) {
  return { key, zh, en, format, offset, length, kind } as const;
}

/** DF02/EF07 allergy record: 120 bytes. */
export const ALLERGY_LAYOUT = {
  name: "DF02/EF07 allergy",
  size: 120,
  fields: [
    field("substance", "过敏物质名称", "allergen", "ans", 0, 20, "text"),
    field("reaction", "过敏反应", "allergic reaction", "ans", 20, 100, "text"),
  ],
} as const satisfies RecordLayout;

/** DF02/EF08 immunisation record: 24 bytes. */
export const IMMUNISATION_LAYOUT = {
  name: "DF02/EF08 immunisation",
  size: 24,
  fields: [
    field("vaccine", "免疫接种名称", "vaccine", "ans", 0, 20, "text"),
    field("date", "免疫接种时间", "vaccination date", "cn", 20, 4, "date"),
  ],
} as const satisfies RecordLayout;

checkLayout(ALLERGY_LAYOUT);
checkLayout(IMMUNISATION_LAYOUT);

export type Allergy = LayoutValues<(typeof ALLERGY_LAYOUT.fields)[number]>;
export type Immunisation = LayoutValues<(typeof IMMUNISATION_LAYOUT.fields)[number]>;

/** A record is unwritten when every field is empty (personalisation filler). */
export function isEmptyRecord(values: Readonly<Record<string, FieldValue<"text">>>): boolean {
  return Object.values(values).every((v) => v === "");
}

// ---- DF03 index records ------------------------------------------------------------------------

export const INDEX_VALID = 0x00;
export const INDEX_FREE = 0xff;

const INDEX_FIELD = { key: "indexFlag", zh: "记录标识", en: "record index flag" };

/** Index flag byte (spec §3.3): 00 = the EE/ED record is valid, FF = free. */
export function decodeIndexFlag(record: Uint8Array): boolean {
  if (record.length !== 1) throw cardDataInvalid(INDEX_FIELD, `index record of ${record.length} bytes`);
  if (record[0] === INDEX_VALID) return true;
  if (record[0] === INDEX_FREE) return false;
  throw cardDataInvalid(INDEX_FIELD, `flag ${record[0]!.toString(16)} is neither 00 nor FF`);
}

// ---- DDF1/EF07 photo (spec §3.4) ---------------------------------------------------------------

export const PHOTO_FILE_SIZE = 3074;
export const PHOTO_MAX_IMAGE = 3072;
const PHOTO_FIELD = { key: "photo", zh: "照片", en: "photo" };

/** [P] baseline JPEG: the image must start with the SOI marker FF D8 FF. */
export function encodePhoto(image: Uint8Array): Uint8Array {
  if (image.length === 0) throw fieldInvalid(PHOTO_FIELD, "empty image");
  if (image.length > PHOTO_MAX_IMAGE) {
    throw fieldInvalid(PHOTO_FIELD, `${image.length} bytes, at most ${PHOTO_MAX_IMAGE} (3 KB) fit on the card`);
  }
  if (image[0] !== 0xff || image[1] !== 0xd8 || image[2] !== 0xff) throw fieldInvalid(PHOTO_FIELD, "not a JPEG image");
  const out = new Uint8Array(image.length + 2);
  out[0] = image.length >> 8;
  out[1] = image.length & 0xff;
  out.set(image, 2);
  return out;
}

/** The image length N from the first two bytes of EF07 (0 = no photo). */
export function decodePhotoLength(prefix: Uint8Array): number {
  if (prefix.length < 2) throw cardDataInvalid(PHOTO_FIELD, "length prefix missing");
  const n = (prefix[0]! << 8) | prefix[1]!;
  // An unwritten file is all 00 or all FF.
  if (n === 0xffff) return 0;
  if (n > PHOTO_MAX_IMAGE) throw cardDataInvalid(PHOTO_FIELD, `length prefix ${n} exceeds ${PHOTO_MAX_IMAGE}`);
  return n;
}

/** The image from EF07 content (at least N + 2 bytes). */
export function decodePhoto(content: Uint8Array): Uint8Array {
  const n = decodePhotoLength(content);
  if (content.length < n + 2) throw cardDataInvalid(PHOTO_FIELD, `length ${n} but only ${content.length - 2} bytes`);
  return content.slice(2, 2 + n);
}
