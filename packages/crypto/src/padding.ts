import { assertBytes, invalidInput } from "./guards.js";

/** Block padding named after ISO/IEC 9797-1. Method 2 is the card convention (`80 00 …`). */
export type BlockPadding = "none" | "iso9797-m1" | "iso9797-m2";

function checkBlockSize(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 255) {
    throw invalidInput(`block size ${blockSize} is not an integer in 1..255`);
  }
}

/** Method 2: append 0x80, then zeros up to the next multiple of `blockSize` (always adds ≥ 1 byte). */
export function padIso9797M2(data: Uint8Array, blockSize: number): Uint8Array {
  assertBytes(data, "data");
  checkBlockSize(blockSize);
  const out = new Uint8Array((Math.floor(data.length / blockSize) + 1) * blockSize);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Method 1: zeros up to a positive multiple of `blockSize` (none if already aligned; empty → one block). */
export function padIso9797M1(data: Uint8Array, blockSize: number): Uint8Array {
  assertBytes(data, "data");
  checkBlockSize(blockSize);
  const blocks = Math.max(1, Math.ceil(data.length / blockSize));
  if (blocks * blockSize === data.length) return data;
  const out = new Uint8Array(blocks * blockSize);
  out.set(data);
  return out;
}

/**
 * Removes method-2 padding: trailing zeros, then a mandatory 0x80. With `blockSize` the input must
 * be block-aligned and the padding no longer than one block. Malformed padding is
 * CRYPTO_INVALID_INPUT.
 */
export function unpadIso9797M2(data: Uint8Array, blockSize?: number): Uint8Array {
  assertBytes(data, "data");
  if (blockSize !== undefined) {
    checkBlockSize(blockSize);
    if (data.length === 0 || data.length % blockSize !== 0) {
      throw invalidInput(`padded data length ${data.length} is not a positive multiple of ${blockSize}`);
    }
  }
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) throw invalidInput("ISO 9797-1 method 2 padding not found");
  if (blockSize !== undefined && data.length - i > blockSize) {
    throw invalidInput("ISO 9797-1 method 2 padding is longer than one block");
  }
  return data.slice(0, i);
}

export function applyPadding(data: Uint8Array, padding: BlockPadding, blockSize: number): Uint8Array {
  switch (padding) {
    case "none":
      return data;
    case "iso9797-m1":
      return padIso9797M1(data, blockSize);
    case "iso9797-m2":
      return padIso9797M2(data, blockSize);
  }
}
