import { generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { keyedVerifier, type ListSigner, type ListVerifier } from "@rhc/sync";

export interface SandboxSigning {
  signer: ListSigner;
  /** A verifier that trusts exactly this signer's public key (hand it to terminals in tests). */
  verifier: ListVerifier;
  publicKeyPem: string;
}

/** Ed25519 (node:crypto) list signing: the sandbox's default until an SM2 signer is supplied. */
export function ed25519Signing(keyId = "sandbox-ed25519-1"): SandboxSigning {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    signer: { keyId, alg: "Ed25519", sign: (m) => new Uint8Array(sign(null, m, privateKey)) },
    verifier: keyedVerifier<KeyObject>({
      alg: "Ed25519",
      keys: { [keyId]: publicKey },
      verify: (k, m, s) => verify(null, m, k, s),
    }),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
