import { assertBytes, assertKey, assertLength, invalidInput } from "../guards.js";
import { applyPadding, type BlockPadding } from "../padding.js";
import { DES_BLOCK, tdesDecrypt, tdesEncrypt } from "./tdes.js";

/** ISO/IEC 9797-1 MAC algorithms 1 (CBC-MAC) and 3 (retail MAC) over DES / 3DES. */

export interface IsoMacOptions {
  /** Default "iso9797-m2" (the card convention); the ISO examples use "iso9797-m1". */
  padding?: BlockPadding;
  /** Initial value, default 8 zero bytes (PBOC-style cards pass the challenge here). */
  iv?: Uint8Array;
}

const ZERO_IV = new Uint8Array(DES_BLOCK);

function prepare(data: Uint8Array, options: IsoMacOptions): { input: Uint8Array; iv: Uint8Array } {
  assertBytes(data, "data");
  const { padding = "iso9797-m2", iv = ZERO_IV } = options;
  assertLength(iv, DES_BLOCK, "MAC IV");
  const input = applyPadding(data, padding, DES_BLOCK);
  if (input.length === 0) throw invalidInput("MAC input is empty");
  return { input, iv };
}

function lastBlock(cipher: Uint8Array): Uint8Array {
  return cipher.slice(cipher.length - DES_BLOCK);
}

/** Algorithm 1: last block of CBC encryption with the whole key (8 = DES, 16/24 = 3DES). */
export function isoMac1(key: Uint8Array, data: Uint8Array, options: IsoMacOptions = {}): Uint8Array {
  assertKey(key, [8, 16, 24], "MAC key");
  const { input, iv } = prepare(data, options);
  return lastBlock(tdesEncrypt(key, input, { mode: "cbc", iv }));
}

/**
 * Algorithm 3 ("retail MAC"): single-DES CBC with K, then the last block is decrypted with K' and
 * encrypted with K again. The 16-byte key is K ‖ K'.
 */
export function isoMac3(key: Uint8Array, data: Uint8Array, options: IsoMacOptions = {}): Uint8Array {
  assertKey(key, [16], "MAC key");
  const { input, iv } = prepare(data, options);
  const k = key.subarray(0, 8);
  const h = lastBlock(tdesEncrypt(k, input, { mode: "cbc", iv }));
  return tdesEncrypt(k, tdesDecrypt(key.subarray(8), h, { mode: "ecb" }), { mode: "ecb" });
}
