import { createHash } from "node:crypto";
import { SM2_CURVE, sm2PublicKeyFromPrivate } from "@rhc/crypto";

export interface Sm2Pair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A deterministic SM2 key pair from a label (test keys only): d = 1 + H(label) mod (n − 1). */
export function seededSm2KeyPair(label: string): Sm2Pair {
  const digest = createHash("sha256").update(`rhc-card-sim/sm2/${label}`).digest("hex");
  const d = 1n + (BigInt(`0x${digest}`) % (SM2_CURVE.n - 1n));
  const privateKey = Uint8Array.from(Buffer.from(d.toString(16).padStart(64, "0"), "hex"));
  return { privateKey, publicKey: sm2PublicKeyFromPrivate(privateKey) };
}
