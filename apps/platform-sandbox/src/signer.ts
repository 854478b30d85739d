import { sm2GenerateKeyPair } from "@rhc/crypto";
import { type ListSigner, type ListVerifier, sm2ListSigner, sm2ListVerifier } from "@rhc/sync";

export interface SandboxSigning {
  signer: ListSigner;
  /** A verifier that trusts exactly this signer's public key (hand it to terminals in tests). */
  verifier: ListVerifier;
  /** SM2 public key (65-byte uncompressed point), hex: what a terminal is configured to trust. */
  publicKeyHex: string;
}

/** SM2 list signing with a fresh key pair (or a given one, so a restarted sandbox keeps its key). */
export function sm2Signing(keyId = "sandbox-sm2-1", keyPair = sm2GenerateKeyPair()): SandboxSigning {
  return {
    signer: sm2ListSigner({ keyId, privateKey: keyPair.privateKey }),
    verifier: sm2ListVerifier({ [keyId]: keyPair.publicKey }),
    publicKeyHex: Buffer.from(keyPair.publicKey).toString("hex"),
  };
}
