import { hash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so that the same value always hashes and signs to
 * the same bytes on the terminal and on the platform. Keys compare by UTF-16 code units (the default
 * sort order); properties whose value is undefined are left out, undefined array items become null,
 * and anything JSON has no text for (functions, symbols) becomes null.
 *
 * Written as plain loops because it runs on every outbox append: no entry arrays, no sort comparator.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      const item: unknown = value[i];
      out += item === undefined ? "null" : canonicalJson(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/** Lower-case hex SHA-256 (one-shot: no Hash object per call). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash("sha256", data, "hex");
}
