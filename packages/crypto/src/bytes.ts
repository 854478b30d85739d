import { RhcError } from "@rhc/errors";

/** Byte helpers shared by every module of the package (Uint8Array in, Uint8Array out). */

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").toUpperCase();
}

/** Parses hex (whitespace allowed between digits); anything else is CRYPTO_DECODE. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  if (!HEX.test(clean)) throw new RhcError("CRYPTO_DECODE", { detail: "not an even-length hex string" });
  return plain(Buffer.from(clean, "hex"));
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RhcError("CRYPTO_INVALID_INPUT", { detail: "XOR of unequal lengths" });
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Constant-time comparison (for MACs and cryptograms); different lengths are simply unequal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Returns a plain Uint8Array for a node Buffer. Buffers may be views into node's shared 8 KiB pool;
 * those are copied so callers never see (or keep alive) unrelated bytes. Unpooled buffers are
 * re-viewed without a copy, which keeps the native provider's bulk throughput.
 */
export function plain(bytes: Uint8Array): Uint8Array {
  if (!Buffer.isBuffer(bytes)) return bytes;
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Uint8Array(bytes.buffer, 0, bytes.byteLength);
  }
  return new Uint8Array(bytes);
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, "0");
  if (hex.length > length * 2)
    throw new RhcError("CRYPTO_INVALID_INPUT", { detail: `integer exceeds ${length} bytes` });
  return fromHex(hex);
}
