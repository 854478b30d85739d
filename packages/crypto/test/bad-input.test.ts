import { afterEach, describe, expect, it } from "vitest";
import { bigIntToBytes } from "../src/bytes.js";
import {
  fromHex,
  getSmProvider,
  SM2_CURVE,
  sm2SignatureFromDer,
  sm2SignatureToDer,
  tdesDecrypt,
  tdesEncrypt,
  unpadIso9797M2,
} from "../src/index.js";
import { expectCode, PROVIDERS, randomBytes } from "./helpers.js";

const n = SM2_CURVE.n;
const scalar = (value: bigint) => bigIntToBytes(value, 32);

describe.each(PROVIDERS)("bad input gives typed errors, $name provider", (p) => {
  const key = randomBytes(16);
  const pair = p.sm2.generateKeyPair();
  const msg = randomBytes(10);

  it("SM4: key and IV lengths, misaligned data, bad options, bad padding", () => {
    expectCode(() => p.sm4.encrypt(randomBytes(15), randomBytes(16), { mode: "ecb" }), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm4.decrypt(randomBytes(32), randomBytes(16), { mode: "ecb" }), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm4.encrypt(key, randomBytes(17), { mode: "ecb" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm4.decrypt(key, randomBytes(15), { mode: "cbc", iv: randomBytes(16) }), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm4.encrypt(key, randomBytes(16), { mode: "cbc" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm4.encrypt(key, randomBytes(16), { mode: "cbc", iv: randomBytes(8) }), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm4.encrypt(key, randomBytes(16), { mode: "ecb", iv: randomBytes(16) }), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm4.encrypt(key, randomBytes(16), { mode: "gcm" as "ecb" }), "CRYPTO_UNSUPPORTED");
    expectCode(
      () => p.sm4.encrypt(key, randomBytes(16), { mode: "ecb", padding: "pkcs7" as "none" }),
      "CRYPTO_UNSUPPORTED",
    );
    // A random block almost never ends in valid method-2 padding; a zero block never does.
    const zeroBlock = p.sm4.encrypt(key, new Uint8Array(16), { mode: "ecb" });
    expectCode(() => p.sm4.decrypt(key, zeroBlock, { mode: "ecb", padding: "iso9797-m2" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm4.encrypt(key, "text" as unknown as Uint8Array, { mode: "ecb" }), "CRYPTO_INVALID_INPUT");
    expectCode(
      () => p.sm4.encrypt(key, randomBytes(16), undefined as unknown as { mode: "ecb" }),
      "CRYPTO_INVALID_INPUT",
    );
  });

  it("SM3: non-bytes input, update after digest", () => {
    expectCode(() => p.sm3([1, 2] as unknown as Uint8Array), "CRYPTO_INVALID_INPUT");
    const h = p.createSm3().update(msg);
    h.digest();
    expectCode(() => h.update(msg), "CRYPTO_INVALID_INPUT");
    expectCode(() => h.digest(), "CRYPTO_INVALID_INPUT");
  });

  it("SM2 keys: wrong lengths, off-curve points, scalars outside 1..n−2", () => {
    const offCurve = pair.publicKey.slice();
    offCurve[64]! ^= 1;
    expectCode(() => p.sm2.verify(offCurve, msg, randomBytes(64)), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm2.verify(pair.publicKey.subarray(1), msg, randomBytes(64)), "CRYPTO_INVALID_KEY");
    const compressed = new Uint8Array(65);
    compressed[0] = 0x02;
    expectCode(() => p.sm2.z(compressed), "CRYPTO_INVALID_KEY");
    const bigX = new Uint8Array(65).fill(0xff);
    bigX[0] = 0x04;
    expectCode(() => p.sm2.verify(bigX, msg, randomBytes(64)), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm2.sign(new Uint8Array(32), msg), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm2.sign(scalar(n - 1n), msg), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm2.signDigest(new Uint8Array(31).fill(1), randomBytes(32)), "CRYPTO_INVALID_KEY");
    expectCode(() => p.sm2.publicKeyFromPrivate(scalar(n)), "CRYPTO_INVALID_KEY");
    expect(p.sm2.publicKeyFromPrivate(scalar(n - 2n))).toHaveLength(65);
  });

  it("SM2 signatures: malformed DER is CRYPTO_DECODE, out-of-range r/s is just invalid", () => {
    expectCode(() => p.sm2.verify(pair.publicKey, msg, randomBytes(63)), "CRYPTO_DECODE");
    expectCode(() => p.sm2.verify(pair.publicKey, msg, fromHex("3006020101020101FF")), "CRYPTO_DECODE");
    const good = p.sm2.sign(pair.privateKey, msg);
    const der = sm2SignatureToDer(good);
    expectCode(() => p.sm2.verify(pair.publicKey, msg, der.subarray(0, der.length - 1)), "CRYPTO_DECODE");
    expect(p.sm2.verify(pair.publicKey, msg, der)).toBe(true);
    const zeroR = good.slice();
    zeroR.fill(0, 0, 32);
    expect(p.sm2.verify(pair.publicKey, msg, zeroR)).toBe(false);
    const rIsN = new Uint8Array([...scalar(n), ...good.subarray(32)]);
    expect(p.sm2.verify(pair.publicKey, msg, rIsN)).toBe(false);
    expect(p.sm2.verifyDigest(pair.publicKey, randomBytes(32), rIsN)).toBe(false);
    expectCode(() => p.sm2.verifyDigest(pair.publicKey, randomBytes(31), good), "CRYPTO_INVALID_INPUT");
    expectCode(() => p.sm2.signDigest(pair.privateKey, randomBytes(33)), "CRYPTO_INVALID_INPUT");
  });

  it("SM2 user IDs: over-long IDs and non-bytes are rejected", () => {
    expectCode(() => p.sm2.z(pair.publicKey, new Uint8Array(8192)), "CRYPTO_INVALID_INPUT");
    expect(p.sm2.z(pair.publicKey, new Uint8Array(8191))).toHaveLength(32);
    expectCode(() => p.sm2.z(pair.publicKey, 42 as unknown as string), "CRYPTO_INVALID_INPUT");
  });
});

describe("DER signature codec", () => {
  it("encodes minimal integers with a sign byte when the top bit is set", () => {
    const rs = new Uint8Array(64);
    rs[31] = 1;
    rs[32] = 0x80;
    expect(sm2SignatureToDer(rs)).toEqual(fromHex(`30260201010221 0080${"00".repeat(31)}`));
    expect(sm2SignatureFromDer(sm2SignatureToDer(rs))).toEqual(rs);
  });

  it("rejects non-DER encodings", () => {
    const bad = {
      negative: "3006020180020101",
      nonMinimal: "300702020001020101",
      trailingInside: "300702010102010100",
      trailingOutside: "300602010102010100",
      wrongTag: "3106020101020101",
      truncated: "300602010102",
      tooWide: `3025022101${"00".repeat(32)}020101`,
    };
    for (const der of Object.values(bad)) expectCode(() => sm2SignatureFromDer(fromHex(der)), "CRYPTO_DECODE");
    expectCode(() => sm2SignatureToDer(new Uint8Array(65)), "CRYPTO_INVALID_INPUT");
  });
});

describe("3DES and padding", () => {
  it("rejects bad keys, IVs and alignment", () => {
    expectCode(() => tdesEncrypt(randomBytes(10), randomBytes(8), { mode: "ecb" }), "CRYPTO_INVALID_KEY");
    expectCode(() => tdesEncrypt(randomBytes(16), randomBytes(9), { mode: "ecb" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => tdesEncrypt(randomBytes(16), randomBytes(8), { mode: "cbc" }), "CRYPTO_INVALID_INPUT");
    expectCode(
      () => tdesDecrypt(randomBytes(24), randomBytes(8), { mode: "cbc", iv: randomBytes(16) }),
      "CRYPTO_INVALID_INPUT",
    );
    expectCode(() => tdesEncrypt(randomBytes(16), randomBytes(8), { mode: "cfb" as "ecb" }), "CRYPTO_UNSUPPORTED");
  });

  it("pads and unpads with method 2; 8-byte keys are single DES", () => {
    const key = randomBytes(16);
    const data = randomBytes(13);
    const c = tdesEncrypt(key, data, { mode: "cbc", iv: randomBytes(8), padding: "iso9797-m2" });
    expect(c).toHaveLength(16);
    const k = randomBytes(8);
    const single = tdesEncrypt(k, data, { mode: "ecb", padding: "iso9797-m2" });
    expect(single).toEqual(tdesEncrypt(new Uint8Array([...k, ...k]), data, { mode: "ecb", padding: "iso9797-m2" }));
    expect(tdesDecrypt(k, single, { mode: "ecb", padding: "iso9797-m2" })).toEqual(data);
  });

  it("unpadIso9797M2 validates", () => {
    expect(unpadIso9797M2(fromHex("0102800000"))).toEqual(fromHex("0102"));
    expectCode(() => unpadIso9797M2(fromHex("010200")), "CRYPTO_INVALID_INPUT");
    expectCode(() => unpadIso9797M2(new Uint8Array(0)), "CRYPTO_INVALID_INPUT");
    expectCode(() => unpadIso9797M2(fromHex("8000000000000000000000"), 8), "CRYPTO_INVALID_INPUT");
    expectCode(() => unpadIso9797M2(fromHex("01800000000000000000000000000000"), 8), "CRYPTO_INVALID_INPUT");
  });
});

describe("provider selection errors", () => {
  afterEach(() => {
    delete process.env.RHC_SM_PROVIDER;
  });

  it("unknown provider names are CRYPTO_UNSUPPORTED, from code or environment", () => {
    expectCode(() => getSmProvider("openssl" as "js"), "CRYPTO_UNSUPPORTED");
    process.env.RHC_SM_PROVIDER = "boringssl";
    expectCode(() => getSmProvider("auto"), "CRYPTO_UNSUPPORTED");
    process.env.RHC_SM_PROVIDER = "js";
    expect(getSmProvider("auto").name).toBe("js");
  });
});
