import { afterEach, describe, expect, it } from "vitest";
import {
  createSmProvider,
  getSmProvider,
  nativeSmAvailable,
  SM_PROVIDER_ENV,
  type SmBackend,
  setDefaultSmProvider,
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm2SignDigest,
  sm2Verify,
  sm2VerifyDigest,
  sm2Z,
  sm3,
  sm4DecryptCbc,
  sm4DecryptEcb,
  sm4EncryptCbc,
  sm4EncryptEcb,
  toHex,
} from "../src/index.js";
import { jsBackend } from "../src/provider/js-backend.js";
import { ascii, PROVIDERS, randomBytes } from "./helpers.js";

afterEach(() => {
  delete process.env[SM_PROVIDER_ENV];
  setDefaultSmProvider("auto");
});

describe("provider choice", () => {
  it("auto picks native on Node 20 (OpenSSL 3 has SM2/SM3/SM4) and honours RHC_SM_PROVIDER", () => {
    expect(nativeSmAvailable()).toBe(true);
    expect(getSmProvider("auto").name).toBe("native");
    expect(getSmProvider().name).toBe("native");
    process.env[SM_PROVIDER_ENV] = "js";
    expect(getSmProvider("auto").name).toBe("js");
    expect(setDefaultSmProvider("auto").name).toBe("js");
    expect(getSmProvider().name).toBe("js");
  });

  it("returns one instance per provider", () => {
    expect(getSmProvider("js")).toBe(getSmProvider("js"));
    expect(getSmProvider("native")).toBe(PROVIDERS[0]);
  });

  it("routes the convenience functions to the default provider, including a custom one", () => {
    const calls: string[] = [];
    const counting: SmBackend = {
      ...jsBackend,
      sm3(data) {
        calls.push("sm3");
        return jsBackend.sm3(data);
      },
    };
    setDefaultSmProvider(createSmProvider(counting));
    expect(toHex(sm3(ascii("abc")))).toMatch(/^66C7F0F4/);
    expect(calls).toEqual(["sm3"]);
    setDefaultSmProvider("native");
    expect(toHex(sm3(ascii("abc")))).toMatch(/^66C7F0F4/);
    expect(calls).toEqual(["sm3"]);
  });

  it.each(["native", "js"] as const)("convenience functions work end to end on %s", (name) => {
    setDefaultSmProvider(name);
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const data = randomBytes(48);
    expect(sm4DecryptEcb(key, sm4EncryptEcb(key, data))).toEqual(data);
    expect(sm4DecryptCbc(key, iv, sm4EncryptCbc(key, iv, data))).toEqual(data);
    const { privateKey, publicKey } = sm2GenerateKeyPair();
    expect(sm2PublicKeyFromPrivate(privateKey)).toEqual(publicKey);
    const sig = sm2Sign(privateKey, data, { userId: "staff-0001" });
    expect(sm2Verify(publicKey, data, sig, { userId: "staff-0001" })).toBe(true);
    expect(sm2Verify(publicKey, data, sig)).toBe(false);
    const e = sm3(new Uint8Array([...sm2Z(publicKey, "staff-0001"), ...data]));
    expect(sm2VerifyDigest(publicKey, e, sig)).toBe(true);
    expect(sm2VerifyDigest(publicKey, e, sm2SignDigest(privateKey, e))).toBe(true);
  });
});

describe.each(PROVIDERS)("SM3 streaming, $name provider", (p) => {
  it("equals the one-shot digest for any split, including empty updates", () => {
    const data = randomBytes(1000);
    const whole = toHex(p.sm3(data));
    for (const cut of [0, 1, 55, 56, 63, 64, 65, 500, 999, 1000]) {
      const h = p.createSm3().update(data.subarray(0, cut)).update(new Uint8Array(0)).update(data.subarray(cut));
      expect(toHex(h.digest())).toBe(whole);
    }
  });
});
