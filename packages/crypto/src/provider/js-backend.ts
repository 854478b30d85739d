import { sm2, sm4 } from "sm-crypto-v2";
import { bytesToBigInt, fromHex, toHex } from "../bytes.js";
import { LruCache } from "../lru.js";
import { SM2_CURVE } from "../sm2/curve.js";
import { createSm3Js, sm3Js } from "../sm3/sm3-js.js";
import type { SmBackend } from "./backend.js";

/**
 * Pure-JS backend: sm-crypto-v2 (noble-based, typed) for SM4 and the SM2 curve arithmetic, our
 * noble-based SM3 for streaming. Works where node:crypto has no SM algorithms (Electron's
 * BoringSSL, browsers).
 */

type SmPoint = ReturnType<typeof sm2.precomputePublicKey>;

/**
 * Verifying is ~7× faster against a precomputed point. The same few keys (trust anchors, issuer and
 * SAM keys) are verified again and again, so the last few points are kept (public data only).
 */
const pointCache = new LruCache<SmPoint>(16);

function publicPoint(publicKey: Uint8Array): SmPoint {
  const hex = toHex(publicKey);
  let point = pointCache.get(hex);
  if (!point) {
    point = sm2.precomputePublicKey(hex);
    pointCache.set(hex, point);
  }
  return point;
}

function signDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  return fromHex(sm2.doSignature(digest, toHex(privateKey), { hash: false, der: false }));
}

/** Signs with a given nonce k (GB/T 32918 examples only; never use a fixed k for real keys). */
export function sm2SignDigestWithNonce(privateKey: Uint8Array, digest: Uint8Array, k: Uint8Array): Uint8Array {
  const point = sm2.getPublicKeyFromPrivateKey(toHex(k));
  const x1 = bytesToBigInt(fromHex(point).subarray(1, 33));
  return fromHex(
    sm2.doSignature(digest, toHex(privateKey), { hash: false, der: false, pointPool: [{ k: bytesToBigInt(k), x1 }] }),
  );
}

function verifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    return sm2.doVerifySignature(digest, toHex(signature), publicPoint(publicKey), { hash: false, der: false });
  } catch {
    // Only reachable with a degenerate point sum (the point at infinity): that is a failed check.
    return false;
  }
}

export const jsBackend: SmBackend = {
  name: "js",
  sm3: sm3Js,
  createSm3: createSm3Js,
  sm4(encrypt, mode, key, iv, data) {
    const options = iv
      ? { mode, iv, padding: "none" as const, output: "array" as const }
      : { mode, padding: "none" as const, output: "array" as const };
    return encrypt ? sm4.encrypt(data, key, options) : sm4.decrypt(data, key, options);
  },
  sm2GenerateKeyPair() {
    for (;;) {
      const pair = sm2.generateKeyPairHex();
      const privateKey = fromHex(pair.privateKey.padStart(64, "0"));
      // noble draws d from 1..n−1; SM2 needs 1..n−2.
      if (bytesToBigInt(privateKey) <= SM2_CURVE.n - 2n) return { privateKey, publicKey: fromHex(pair.publicKey) };
    }
  },
  sm2PublicKeyFromPrivate(privateKey) {
    return fromHex(sm2.getPublicKeyFromPrivateKey(toHex(privateKey)));
  },
  sm2Sign(privateKey, _publicKey, z, message) {
    return signDigest(privateKey, createSm3Js().update(z).update(message).digest());
  },
  sm2Verify(publicKey, z, message, signature) {
    return verifyDigest(publicKey, createSm3Js().update(z).update(message).digest(), signature);
  },
  sm2SignDigest: signDigest,
  sm2VerifyDigest: verifyDigest,
};
