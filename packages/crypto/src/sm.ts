import { assertBytes, assertKey, assertLength, invalidInput } from "./guards.js";
import { getSmProvider } from "./provider/registry.js";
import type { Sm2KeyPair, Sm2Options } from "./provider/types.js";

/** Convenience functions on the default provider (see setDefaultSmProvider). */

export function sm3(data: Uint8Array): Uint8Array {
  return getSmProvider().sm3(data);
}

export function sm4EncryptEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  return getSmProvider().sm4.encrypt(key, data, { mode: "ecb" });
}

export function sm4DecryptEcb(key: Uint8Array, data: Uint8Array): Uint8Array {
  return getSmProvider().sm4.decrypt(key, data, { mode: "ecb" });
}

export function sm4EncryptCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return getSmProvider().sm4.encrypt(key, data, { mode: "cbc", iv });
}

export function sm4DecryptCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return getSmProvider().sm4.decrypt(key, data, { mode: "cbc", iv });
}

const ZERO_IV = new Uint8Array(16);

/**
 * SM4 CBC-MAC: the full last CBC block (16 bytes). Adds no padding: data must be a non-empty
 * multiple of 16 (pad first with padIso9797M2 when the scheme says so).
 */
export function sm4CbcMac(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array {
  assertKey(key, [16], "SM4 key");
  assertBytes(data, "data");
  assertLength(iv, 16, "SM4 IV");
  if (data.length === 0) throw invalidInput("MAC input is empty");
  const cipher = getSmProvider().sm4.encrypt(key, data, { mode: "cbc", iv });
  return cipher.slice(cipher.length - 16);
}

export function sm2GenerateKeyPair(): Sm2KeyPair {
  return getSmProvider().sm2.generateKeyPair();
}

export function sm2PublicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return getSmProvider().sm2.publicKeyFromPrivate(privateKey);
}

export function sm2Sign(privateKey: Uint8Array, message: Uint8Array, options?: Sm2Options): Uint8Array {
  return getSmProvider().sm2.sign(privateKey, message, options);
}

export function sm2SignDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  return getSmProvider().sm2.signDigest(privateKey, digest);
}

export function sm2Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  options?: Sm2Options,
): boolean {
  return getSmProvider().sm2.verify(publicKey, message, signature, options);
}

export function sm2VerifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  return getSmProvider().sm2.verifyDigest(publicKey, digest, signature);
}

export function sm2Z(publicKey: Uint8Array, userId?: Sm2Options["userId"]): Uint8Array {
  return getSmProvider().sm2.z(publicKey, userId);
}
