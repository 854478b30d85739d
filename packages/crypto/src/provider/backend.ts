import type { Sm3State } from "../sm3/sm3-js.js";
import type { Sm2KeyPair, Sm4Mode, SmProviderName } from "./types.js";

/**
 * What an implementation must supply. Inputs are already validated (key and block lengths, points
 * on the curve, r and s in range) by the shared front end in provider.ts, which also does padding,
 * Z values, DER and error wrapping, so the two backends stay small and cannot drift apart there.
 */
export interface SmBackend {
  readonly name: SmProviderName;
  sm3(data: Uint8Array): Uint8Array;
  createSm3(): Sm3State;
  /** Block-aligned data; `iv` present exactly for CBC. */
  sm4(encrypt: boolean, mode: Sm4Mode, key: Uint8Array, iv: Uint8Array | undefined, data: Uint8Array): Uint8Array;
  sm2GenerateKeyPair(): Sm2KeyPair;
  sm2PublicKeyFromPrivate(privateKey: Uint8Array): Uint8Array;
  /** Signs e = SM3(z ‖ message); returns r ‖ s. */
  sm2Sign(privateKey: Uint8Array, publicKey: Uint8Array, z: Uint8Array, message: Uint8Array): Uint8Array;
  sm2Verify(publicKey: Uint8Array, z: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  sm2SignDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array;
  sm2VerifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean;
}
