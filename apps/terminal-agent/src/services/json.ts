import { toHex } from "@rhc/card-protocol";

/** Card values as JSON: byte fields (certificates, signatures) become hex, Dates ISO strings. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}
