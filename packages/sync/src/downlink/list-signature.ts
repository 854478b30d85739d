import type { ListSignature } from "../platform/wire.js";
import { canonicalJson } from "../util/canonical-json.js";

/**
 * [P] Signing of downlink lists sits behind this small interface: the platform signs, the terminal
 * verifies before use. The project's strategy is SM2 (see `sm2ListSigner` / `sm2ListVerifier`).
 */
export interface ListSigner {
  readonly keyId: string;
  readonly alg: string;
  sign(message: Uint8Array): Uint8Array;
}

export interface ListVerifier {
  verify(message: Uint8Array, signature: ListSignature): boolean;
}

const encoder = new TextEncoder();

export function signingBytes(signingInput: unknown): Uint8Array {
  return encoder.encode(canonicalJson(signingInput));
}

export function signList(signer: ListSigner, signingInput: unknown): ListSignature {
  const value = Buffer.from(signer.sign(signingBytes(signingInput))).toString("base64");
  return { keyId: signer.keyId, alg: signer.alg, value };
}

export function verifyList(verifier: ListVerifier, signingInput: unknown, signature: ListSignature): boolean {
  try {
    return verifier.verify(signingBytes(signingInput), signature);
  } catch {
    // A verifier that throws on garbage (bad DER, wrong length) means "not valid", never "crash".
    return false;
  }
}

/** A verifier over a table of trusted public keys, one algorithm, one verify primitive. */
export function keyedVerifier<K>(options: {
  alg: string;
  keys: Record<string, K>;
  verify: (publicKey: K, message: Uint8Array, signature: Uint8Array) => boolean;
}): ListVerifier {
  return {
    verify(message, signature) {
      if (signature.alg !== options.alg || !Object.hasOwn(options.keys, signature.keyId)) return false;
      const sig = Buffer.from(signature.value, "base64");
      return options.verify(options.keys[signature.keyId]!, message, new Uint8Array(sig));
    },
  };
}
