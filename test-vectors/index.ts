// @rhc/test-vectors — locate and read the shared vector files. Paths are relative to this folder,
// e.g. "crypto/gm-standard.json" or "x509/rsa/leaf-good.pem".
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const VECTORS_DIR: string = dirname(fileURLToPath(import.meta.url));

/** Absolute path of a vector file; refuses paths that leave the vectors folder. */
export function vectorPath(...segments: string[]): string {
  const full = normalize(join(VECTORS_DIR, ...segments));
  const rel = relative(VECTORS_DIR, full);
  if (rel.startsWith("..") || isAbsolute(rel))
    throw new Error(`vector path outside test-vectors: ${segments.join("/")}`);
  return full;
}

export function hasVector(...segments: string[]): boolean {
  return existsSync(vectorPath(...segments));
}

export function readVectorBytes(...segments: string[]): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath(...segments)));
}

export function readVectorText(...segments: string[]): string {
  return readFileSync(vectorPath(...segments), "utf8");
}

/**
 * Parses a JSON vector file. Pass a validator (e.g. a zod schema's `parse`) to get a checked,
 * typed value; without one the result is `unknown`.
 */
export function readVectorJson(path: string): unknown;
export function readVectorJson<T>(path: string, parse: (value: unknown) => T): T;
export function readVectorJson<T>(path: string, parse?: (value: unknown) => T): T | unknown {
  const value: unknown = JSON.parse(readVectorText(path));
  return parse ? parse(value) : value;
}

/** Hex string (whitespace allowed) → bytes; vectors store binary values as hex. */
export function hexBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not a hex string: ${hex.slice(0, 32)}`);
  return new Uint8Array(Buffer.from(clean, "hex"));
}
