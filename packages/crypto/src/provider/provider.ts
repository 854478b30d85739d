import { checkCipherOptions, withPadding } from "../block-cipher.js";
import { assertBytes, assertKey, assertLength, guard, invalidInput } from "../guards.js";
import { assertSm2PrivateKey, assertSm2PublicKey, computeZ, userIdBytes } from "../sm2/curve.js";
import { normalizeSignature } from "../sm2/signature.js";
import type { Sm3State } from "../sm3/sm3-js.js";
import type { SmBackend } from "./backend.js";
import type { Sm2Api, Sm2Options, Sm3Hasher, Sm4Api, Sm4Options, SmProvider } from "./types.js";

/**
 * Wraps a backend in the shared front end: argument checks, padding, Z, signature formats, and
 * error wrapping. Everything a caller can get wrong fails here, the same way for both providers.
 */

const SM4_BLOCK = 16;

class GuardedSm3Hasher implements Sm3Hasher {
  private finished = false;
  constructor(private readonly inner: Sm3State) {}

  update(data: Uint8Array): this {
    assertBytes(data, "data");
    if (this.finished) throw invalidInput("SM3 hasher already finalized");
    this.inner.update(data);
    return this;
  }

  digest(): Uint8Array {
    if (this.finished) throw invalidInput("SM3 hasher already finalized");
    this.finished = true;
    return this.inner.digest();
  }
}

function sm4Api(backend: SmBackend): Sm4Api {
  const run = (encrypt: boolean, key: Uint8Array, data: Uint8Array, options: Sm4Options) => {
    assertKey(key, [SM4_BLOCK], "SM4 key");
    const checked = checkCipherOptions(options, SM4_BLOCK, "SM4");
    return withPadding(encrypt, data, checked, SM4_BLOCK, (aligned) =>
      guard("CRYPTO_INVALID_INPUT", "SM4", () => backend.sm4(encrypt, checked.mode, key, checked.iv, aligned), true),
    );
  };
  return {
    encrypt: (key, data, options) => run(true, key, data, options),
    decrypt: (key, data, options) => run(false, key, data, options),
  };
}

function sm2Api(backend: SmBackend): Sm2Api {
  const z = (publicKey: Uint8Array, userId: Sm2Options["userId"]) =>
    computeZ(backend.sm3, publicKey, userIdBytes(userId));
  const checkDigest = (digest: Uint8Array) => assertLength(digest, 32, "SM2 digest e");
  return {
    generateKeyPair() {
      return guard("CRYPTO_UNSUPPORTED", "SM2 key generation", () => backend.sm2GenerateKeyPair(), true);
    },
    publicKeyFromPrivate(privateKey) {
      assertSm2PrivateKey(privateKey);
      return guard("CRYPTO_INVALID_KEY", "SM2 public key", () => backend.sm2PublicKeyFromPrivate(privateKey), true);
    },
    sign(privateKey, message, options = {}) {
      assertSm2PrivateKey(privateKey);
      assertBytes(message, "message");
      return guard(
        "CRYPTO_INVALID_KEY",
        "SM2 sign",
        () => {
          const publicKey = backend.sm2PublicKeyFromPrivate(privateKey);
          return backend.sm2Sign(privateKey, publicKey, z(publicKey, options.userId), message);
        },
        true,
      );
    },
    verify(publicKey, message, signature, options = {}) {
      assertSm2PublicKey(publicKey);
      assertBytes(message, "message");
      const rs = normalizeSignature(signature);
      if (!rs) return false;
      const za = z(publicKey, options.userId);
      return guard("CRYPTO_INVALID_KEY", "SM2 verify", () => backend.sm2Verify(publicKey, za, message, rs));
    },
    signDigest(privateKey, digest) {
      assertSm2PrivateKey(privateKey);
      checkDigest(digest);
      return guard("CRYPTO_INVALID_KEY", "SM2 sign", () => backend.sm2SignDigest(privateKey, digest), true);
    },
    verifyDigest(publicKey, digest, signature) {
      assertSm2PublicKey(publicKey);
      checkDigest(digest);
      const rs = normalizeSignature(signature);
      if (!rs) return false;
      return guard("CRYPTO_INVALID_KEY", "SM2 verify", () => backend.sm2VerifyDigest(publicKey, digest, rs));
    },
    z(publicKey, userId) {
      assertSm2PublicKey(publicKey);
      return z(publicKey, userId);
    },
  };
}

export function createSmProvider(backend: SmBackend): SmProvider {
  return Object.freeze({
    name: backend.name,
    sm3(data: Uint8Array) {
      assertBytes(data, "data");
      return backend.sm3(data);
    },
    createSm3() {
      return new GuardedSm3Hasher(backend.createSm3());
    },
    sm4: Object.freeze(sm4Api(backend)),
    sm2: Object.freeze(sm2Api(backend)),
  });
}
