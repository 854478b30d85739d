import { sm2Sign, sm2Verify } from "@rhc/crypto";
import { keyedVerifier, type ListSigner, type ListVerifier } from "./list-signature.js";

/** The project's list-signing strategy: SM2 with SM3 (default user id), via @rhc/crypto. */
export const SM2_LIST_ALG = "SM2-SM3";

export function sm2ListSigner(options: { keyId: string; privateKey: Uint8Array }): ListSigner {
  return { keyId: options.keyId, alg: SM2_LIST_ALG, sign: (m) => sm2Sign(options.privateKey, m) };
}

/** Trusts the given SM2 public keys (65-byte uncompressed points), by key id. */
export function sm2ListVerifier(keys: Record<string, Uint8Array>): ListVerifier {
  return keyedVerifier({ alg: SM2_LIST_ALG, keys, verify: (k, m, s) => sm2Verify(k, m, s) });
}
