import crypto from "node:crypto";
import { bytesToBigInt, concatBytes, fromHex, plain } from "../bytes.js";
import { SM2_CURVE, SM2_SPKI_PREFIX } from "../sm2/curve.js";
import { sm2SignatureFromDer, sm2SignatureToDer } from "../sm2/signature.js";
import type { SmBackend } from "./backend.js";
import { jsBackend } from "./js-backend.js";

/**
 * node:crypto backend (OpenSSL 3). OpenSSL 3.0 cannot be given the SM2 distinguishing ID and uses
 * an empty one, so sign/verify feed Z ‖ M to createSign/createVerify('SM3'), which hash their whole
 * input and apply the raw SM2 operation: exactly e = SM3(Z ‖ M) of GB/T 32918. OpenSSL ignores
 * dsaEncoding for SM2 keys, so signatures cross this boundary as DER.
 * node:crypto has no call that signs or verifies a caller-supplied digest, so signDigest and
 * verifyDigest use the JS backend's curve arithmetic.
 */

/** SEC1 ECPrivateKey: version 1, d, [0] sm2 curve OID, [1] public point. */
const SEC1_HEAD = fromHex("30770201010420");
const SEC1_MID = fromHex("a00a06082a811ccf5501822da144034200");

/** Is OpenSSL's SM2/SM3/SM4 usable in this runtime (not in Electron, whose BoringSSL lacks them)? */
export function nativeSmAvailable(): boolean {
  try {
    const ciphers = crypto.getCiphers();
    if (!crypto.getHashes().includes("sm3") || !ciphers.includes("sm4-ecb") || !ciphers.includes("sm4-cbc")) {
      return false;
    }
    if (!crypto.getCurves().includes("SM2")) return false;
    // Known answer (SM3 of "abc") guards against a runtime that lists the name but lacks the code.
    return crypto.createHash("sm3").update("abc").digest("hex").startsWith("66c7f0f4");
  } catch {
    return false;
  }
}

function publicKeyObject(publicKey: Uint8Array): crypto.KeyObject {
  return crypto.createPublicKey({
    key: Buffer.from(concatBytes(SM2_SPKI_PREFIX, publicKey)),
    format: "der",
    type: "spki",
  });
}

function privateKeyObject(privateKey: Uint8Array, publicKey: Uint8Array): crypto.KeyObject {
  const der = concatBytes(SEC1_HEAD, privateKey, SEC1_MID, publicKey);
  try {
    return crypto.createPrivateKey({ key: Buffer.from(der.buffer), format: "der", type: "sec1" });
  } finally {
    der.fill(0);
  }
}

function cipherName(mode: "ecb" | "cbc"): string {
  return mode === "ecb" ? "sm4-ecb" : "sm4-cbc";
}

export const nativeBackend: SmBackend = {
  name: "native",
  sm3(data) {
    return plain(crypto.createHash("sm3").update(data).digest());
  },
  createSm3() {
    const hash = crypto.createHash("sm3");
    const state = {
      update(data: Uint8Array) {
        hash.update(data);
        return state;
      },
      digest: () => plain(hash.digest()),
    };
    return state;
  },
  sm4(encrypt, mode, key, iv, data) {
    const cipher = encrypt
      ? crypto.createCipheriv(cipherName(mode), key, iv ?? null)
      : crypto.createDecipheriv(cipherName(mode), key, iv ?? null);
    cipher.setAutoPadding(false);
    const out = cipher.update(data);
    const tail = cipher.final();
    return plain(tail.length === 0 ? out : Buffer.concat([out, tail]));
  },
  sm2GenerateKeyPair() {
    for (;;) {
      const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "SM2" });
      const sec1 = privateKey.export({ type: "sec1", format: "der" });
      const pair = { privateKey: new Uint8Array(sec1.subarray(7, 39)), publicKey: plain(sec1.subarray(-65)) };
      sec1.fill(0);
      // OpenSSL draws d from 1..n−1; SM2 needs 1..n−2.
      if (bytesToBigInt(pair.privateKey) <= SM2_CURVE.n - 2n) return pair;
    }
  },
  sm2PublicKeyFromPrivate(privateKey) {
    const ecdh = crypto.createECDH("SM2");
    ecdh.setPrivateKey(privateKey);
    return plain(ecdh.getPublicKey());
  },
  sm2Sign(privateKey, publicKey, z, message) {
    const key = privateKeyObject(privateKey, publicKey);
    return sm2SignatureFromDer(crypto.createSign("SM3").update(z).update(message).sign(key));
  },
  sm2Verify(publicKey, z, message, signature) {
    const key = publicKeyObject(publicKey);
    return crypto.createVerify("SM3").update(z).update(message).verify(key, sm2SignatureToDer(signature));
  },
  sm2SignDigest: jsBackend.sm2SignDigest,
  sm2VerifyDigest: jsBackend.sm2VerifyDigest,
};
