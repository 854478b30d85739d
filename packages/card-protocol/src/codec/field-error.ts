import { RhcError } from "@rhc/errors";

/** How a data item is named in errors: the operator sees the Chinese name, logs get all three. */
export interface FieldName {
  /** Stable camelCase identifier used in typed models and APIs. */
  readonly key: string;
  readonly zh: string;
  readonly en: string;
}

function label(field: FieldName): string {
  return `${field.zh} (${field.en}, ${field.key})`;
}

/** A value supplied for writing is unacceptable: the error names the field and what is wrong. */
export function fieldInvalid(field: FieldName, problem: string): RhcError {
  return new RhcError("FIELD_INVALID", { detail: `${label(field)}: ${problem}`, data: { field: field.key } });
}

/** Bytes read from the card cannot be decoded as the field's format. */
export function cardDataInvalid(field: FieldName, problem: string): RhcError {
  return new RhcError("CARD_DATA_INVALID", { detail: `${label(field)}: ${problem}`, data: { field: field.key } });
}
