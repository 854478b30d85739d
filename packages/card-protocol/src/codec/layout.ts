import { RhcError } from "@rhc/errors";
import {
  type AnyFieldValue,
  type CodecOptions,
  decodeFieldAt,
  encodeField,
  type FieldKind,
  type FieldSpec,
  type FieldValue,
} from "./field.js";

/** A field at a fixed byte offset inside a record or transparent file. */
export interface LayoutField extends FieldSpec {
  readonly offset: number;
}

/** A fixed-layout record: fields back to back from offset 0 (allergy, immunisation, EE/ED). */
export interface RecordLayout<F extends LayoutField = LayoutField> {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly F[];
}

/** The typed values of a layout: one property per field key. */
export type LayoutValues<F extends { readonly key: string; readonly kind: FieldKind }> = {
  [E in F as E["key"]]: FieldValue<E["kind"]>;
};

/** Checks that the fields are contiguous from 0 and fill exactly `size` bytes, and keys are unique. */
export function checkLayout(layout: RecordLayout): void {
  let offset = 0;
  const keys = new Set<string>();
  for (const field of layout.fields) {
    if (field.offset !== offset) {
      throw new RhcError("INTERNAL", { detail: `${layout.name}: ${field.key} at ${field.offset}, expected ${offset}` });
    }
    if (keys.has(field.key)) throw new RhcError("INTERNAL", { detail: `${layout.name}: duplicate key ${field.key}` });
    keys.add(field.key);
    offset += field.length;
  }
  if (offset !== layout.size) {
    throw new RhcError("INTERNAL", { detail: `${layout.name}: fields end at ${offset}, size is ${layout.size}` });
  }
}

/**
 * Encodes values into the layout's bytes. Fields absent from `values` are written empty; with
 * `upTo`, only the bytes before that offset are produced (the signed part of a visit record).
 */
export function encodeLayout<F extends LayoutField>(
  layout: RecordLayout<F>,
  values: Readonly<Record<string, AnyFieldValue>>,
  options: CodecOptions & { upTo?: number } = {},
): Uint8Array {
  for (const key of Object.keys(values)) {
    if (!layout.fields.some((f) => f.key === key)) {
      throw new RhcError("FIELD_INVALID", { detail: `${layout.name} has no field "${key}"`, data: { field: key } });
    }
  }
  const size = options.upTo ?? layout.size;
  const out = new Uint8Array(size);
  for (const field of layout.fields) {
    if (field.offset + field.length > size) break;
    out.set(encodeField(field, values[field.key], options), field.offset);
  }
  return out;
}

type Assemble = (values: readonly AnyFieldValue[]) => Record<string, AnyFieldValue>;
const assemblers = new WeakMap<RecordLayout, Assemble>();

/**
 * Builds a layout's value object from an object literal compiled once per layout: adding 150+
 * keys one by one walks V8 through as many shape transitions into a slow dictionary object, which
 * cost half of a visit record's decoding (profiled). Keys come from the layout table, not input.
 */
function assembler(layout: RecordLayout): Assemble {
  let assemble = assemblers.get(layout);
  if (!assemble) {
    const body = layout.fields.map((f, i) => `${JSON.stringify(f.key)}: v[${i}]`).join(",");
    assemble = new Function("v", `return {${body}};`) as Assemble;
    assemblers.set(layout, assemble);
  }
  return assemble;
}

/** Decodes the fields that lie completely inside `bytes` (which starts at offset 0). */
export function decodeLayout<F extends LayoutField>(
  layout: RecordLayout<F>,
  bytes: Uint8Array,
  options: CodecOptions = {},
): LayoutValues<F> {
  const fields = layout.fields;
  if (bytes.length >= layout.size) {
    const values = new Array<AnyFieldValue>(fields.length);
    for (let i = 0; i < fields.length; i++) values[i] = decodeFieldAt(fields[i]!, bytes, fields[i]!.offset, options);
    return assembler(layout)(values) as LayoutValues<F>;
  }
  const out: Record<string, AnyFieldValue> = {};
  for (const field of layout.fields) {
    if (field.offset + field.length > bytes.length) break;
    out[field.key] = decodeFieldAt(field, bytes, field.offset, options);
  }
  return out as LayoutValues<F>;
}
