import { describe, expect, it } from "vitest";
import { getSmProvider, toHex } from "../src/index.js";
import { randomBytes } from "./helpers.js";

/** Random inputs through both providers must give identical bytes (SM2: each verifies the other). */
const native = getSmProvider("native");
const js = getSmProvider("js");
const randomInt = (max: number) => crypto.getRandomValues(new Uint32Array(1))[0]! % (max + 1);

describe("native and js providers agree on random inputs", () => {
  it("SM3, one-shot and streamed in random chunks", () => {
    for (let i = 0; i < 200; i++) {
      const data = randomBytes(randomInt(700));
      const expected = toHex(native.sm3(data));
      expect(toHex(js.sm3(data))).toBe(expected);
      for (const p of [native, js]) {
        const h = p.createSm3();
        for (let at = 0; at < data.length; ) {
          const n = Math.min(data.length - at, randomInt(130));
          h.update(data.subarray(at, at + n));
          at += n;
        }
        expect(toHex(h.digest())).toBe(expected);
      }
    }
  });

  it("SM4 ECB and CBC, with and without method-2 padding, both directions", () => {
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(16);
      const padding = i % 2 === 0 ? ("none" as const) : ("iso9797-m2" as const);
      const data = randomBytes(padding === "none" ? 16 * randomInt(20) : randomInt(300));
      const options =
        i % 4 < 2 ? { mode: "ecb" as const, padding } : { mode: "cbc" as const, iv: randomBytes(16), padding };
      const cipher = native.sm4.encrypt(key, data, options);
      expect(toHex(js.sm4.encrypt(key, data, options))).toBe(toHex(cipher));
      expect(toHex(native.sm4.decrypt(key, cipher, options))).toBe(toHex(data));
      expect(toHex(js.sm4.decrypt(key, cipher, options))).toBe(toHex(data));
    }
  });

  it("SM2 keys, Z values and signatures cross-verify (random user IDs and messages)", () => {
    for (let i = 0; i < 12; i++) {
      const generator = i % 2 === 0 ? native : js;
      const { privateKey, publicKey } = generator.sm2.generateKeyPair();
      expect(privateKey).toHaveLength(32);
      expect(publicKey).toHaveLength(65);
      expect(toHex(native.sm2.publicKeyFromPrivate(privateKey))).toBe(toHex(publicKey));
      expect(toHex(js.sm2.publicKeyFromPrivate(privateKey))).toBe(toHex(publicKey));
      const userId = i % 3 === 0 ? undefined : randomBytes(1 + randomInt(40));
      expect(toHex(js.sm2.z(publicKey, userId))).toBe(toHex(native.sm2.z(publicKey, userId)));
      const message = randomBytes(randomInt(500));
      for (const signer of [native, js]) {
        const sig = signer.sm2.sign(privateKey, message, { userId });
        for (const verifier of [native, js]) {
          expect(verifier.sm2.verify(publicKey, message, sig, { userId })).toBe(true);
          const other = message.length > 0 ? message.map((b, j) => (j === 0 ? b ^ 0x80 : b)) : randomBytes(1);
          expect(verifier.sm2.verify(publicKey, other, sig, { userId })).toBe(false);
        }
        const e = signer.sm3(new Uint8Array([...signer.sm2.z(publicKey, userId), ...message]));
        expect(native.sm2.verifyDigest(publicKey, e, sig)).toBe(true);
        const digestSig = signer.sm2.signDigest(privateKey, e);
        expect(js.sm2.verify(publicKey, message, digestSig, { userId })).toBe(true);
        expect(native.sm2.verify(publicKey, message, digestSig, { userId })).toBe(true);
      }
    }
  });
});
