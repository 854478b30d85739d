import { describe, expect, it } from "vitest";
import { z } from "zod";
import { concatBytes, sm2SignatureFromDer, sm2SignatureToDer, toHex } from "../src/index.js";
import { sm2SignDigestWithNonce } from "../src/provider/js-backend.js";
import { ascii, bytes, hex, PROVIDERS, vectors } from "./helpers.js";

const schema = z.object({
  sm3: z.array(z.object({ name: z.string(), messageHex: hex, digest: hex })).min(2),
  sm4: z.object({
    singleBlock: z.object({ key: hex, plaintext: hex, ciphertext: hex }),
    iterated: z.object({ key: hex, plaintext: hex, iterations: z.number().int(), ciphertext: hex }),
  }),
  sm2: z.object({
    userId: z.string(),
    messageHex: hex,
    privateKey: hex,
    publicKey: hex,
    k: hex,
    z: hex,
    e: hex,
    r: hex,
    s: hex,
  }),
});
const v = vectors("crypto/gm-standard.json", schema);
const message = bytes(v.sm2.messageHex);
const rs = concatBytes(bytes(v.sm2.r), bytes(v.sm2.s));

describe.each(PROVIDERS)("GM/T published examples, $name provider", (p) => {
  it.each(v.sm3)("SM3 $name", ({ messageHex, digest }) => {
    expect(toHex(p.sm3(bytes(messageHex)))).toBe(digest);
  });

  it("SM4 single block, both directions", () => {
    const { key, plaintext, ciphertext } = v.sm4.singleBlock;
    expect(toHex(p.sm4.encrypt(bytes(key), bytes(plaintext), { mode: "ecb" }))).toBe(ciphertext);
    expect(toHex(p.sm4.decrypt(bytes(key), bytes(ciphertext), { mode: "ecb" }))).toBe(plaintext);
  });

  it("SM4 1,000,000 iterations", () => {
    const { key, plaintext, iterations, ciphertext } = v.sm4.iterated;
    const k = bytes(key);
    let block = bytes(plaintext);
    for (let i = 0; i < iterations; i++) block = p.sm4.encrypt(k, block, { mode: "ecb" });
    expect(toHex(block)).toBe(ciphertext);
  }, 120_000);

  it("SM2 example: public key, Z, e, and the published signature (raw and DER)", () => {
    const pub = p.sm2.publicKeyFromPrivate(bytes(v.sm2.privateKey));
    expect(toHex(pub)).toBe(v.sm2.publicKey);
    const za = p.sm2.z(pub, v.sm2.userId);
    expect(toHex(za)).toBe(v.sm2.z);
    expect(toHex(p.sm2.z(pub))).toBe(v.sm2.z); // the default user ID is 1234567812345678
    expect(toHex(p.sm3(concatBytes(za, message)))).toBe(v.sm2.e);
    expect(p.sm2.verify(pub, message, rs)).toBe(true);
    expect(p.sm2.verify(pub, message, sm2SignatureToDer(rs))).toBe(true);
    expect(p.sm2.verifyDigest(pub, bytes(v.sm2.e), rs)).toBe(true);
  });

  it("SM2 example: tampered s, other message, other user ID are rejected", () => {
    const pub = bytes(v.sm2.publicKey);
    const tampered = rs.slice();
    tampered[63]! ^= 1;
    expect(p.sm2.verify(pub, message, tampered)).toBe(false);
    expect(p.sm2.verify(pub, ascii("message digesT"), rs)).toBe(false);
    expect(p.sm2.verify(pub, message, rs, { userId: "1234567812345679" })).toBe(false);
    expect(
      p.sm2.verifyDigest(
        pub,
        bytes(v.sm2.e).map((b, i) => (i === 0 ? b ^ 1 : b)),
        rs,
      ),
    ).toBe(false);
  });

  it("SM2 fresh signatures over the example message verify, and are new each time", () => {
    const d = bytes(v.sm2.privateKey);
    const a = p.sm2.sign(d, message);
    const b = p.sm2.sign(d, message);
    expect(a).toHaveLength(64);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(p.sm2.verify(bytes(v.sm2.publicKey), message, a)).toBe(true);
  });
});

describe("SM2 example signing arithmetic with the published nonce k", () => {
  it("reproduces r and s exactly", () => {
    const sig = sm2SignDigestWithNonce(bytes(v.sm2.privateKey), bytes(v.sm2.e), bytes(v.sm2.k));
    expect(toHex(sig)).toBe(toHex(rs));
    expect(toHex(sm2SignatureFromDer(sm2SignatureToDer(sig)))).toBe(toHex(rs));
  });
});
