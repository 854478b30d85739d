import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isoMac1, isoMac3, padIso9797M2, sm4CbcMac, tdesEncrypt, toHex } from "../src/index.js";
import { ascii, bytes, expectCode, hex, randomBytes, vectors } from "./helpers.js";

const schema = z.object({
  vectors: z
    .array(
      z.object({
        name: z.string(),
        algorithm: z.union([z.literal(1), z.literal(3)]),
        padding: z.enum(["iso9797-m1", "iso9797-m2"]),
        key: hex,
        dataAscii: z.string().optional(),
        dataHex: hex.optional(),
        mac: hex,
      }),
    )
    .min(5),
  sm4CbcMac: z.array(
    z.object({ name: z.string(), key: hex, dataHex: hex, padding: z.literal("iso9797-m2"), mac: hex }),
  ),
});
const v = vectors("crypto/iso9797-mac.json", schema);

describe("ISO/IEC 9797-1 MACs", () => {
  it.each(v.vectors)("$name", (c) => {
    const data = c.dataHex !== undefined ? bytes(c.dataHex) : ascii(c.dataAscii ?? "");
    const mac = c.algorithm === 1 ? isoMac1 : isoMac3;
    expect(toHex(mac(bytes(c.key), data, { padding: c.padding }))).toBe(c.mac);
  });

  it("method 2 is the default padding", () => {
    const c = v.vectors.find((x) => x.algorithm === 1 && x.padding === "iso9797-m2")!;
    expect(toHex(isoMac1(bytes(c.key), bytes(c.dataHex!)))).toBe(c.mac);
  });

  it("algorithm 1 equals the last 3DES-CBC block; algorithm 3 equals algorithm 1 when K = K'", () => {
    const key = randomBytes(16);
    const data = randomBytes(45);
    const cbc = tdesEncrypt(key, padIso9797M2(data, 8), { mode: "cbc", iv: new Uint8Array(8) });
    expect(toHex(isoMac1(key, data))).toBe(toHex(cbc.subarray(-8)));
    const k = randomBytes(8);
    const kk = new Uint8Array([...k, ...k]);
    expect(toHex(isoMac3(kk, data))).toBe(toHex(isoMac1(k, data)));
  });

  it("takes an initial value (PBOC-style challenge IV)", () => {
    const key = randomBytes(16);
    const data = randomBytes(20);
    const iv = randomBytes(8);
    expect(toHex(isoMac1(key, data, { iv }))).not.toBe(toHex(isoMac1(key, data)));
    const cbc = tdesEncrypt(key, padIso9797M2(data, 8), { mode: "cbc", iv });
    expect(toHex(isoMac1(key, data, { iv }))).toBe(toHex(cbc.subarray(-8)));
  });

  it("rejects bad keys, IVs and unpadded misaligned data with typed errors", () => {
    expectCode(() => isoMac1(randomBytes(12), ascii("x")), "CRYPTO_INVALID_KEY");
    expectCode(() => isoMac3(randomBytes(24), ascii("x")), "CRYPTO_INVALID_KEY");
    expectCode(() => isoMac1(randomBytes(16), ascii("x"), { iv: randomBytes(16) }), "CRYPTO_INVALID_INPUT");
    expectCode(() => isoMac1(randomBytes(16), ascii("abc"), { padding: "none" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => isoMac3(randomBytes(16), new Uint8Array(0), { padding: "none" }), "CRYPTO_INVALID_INPUT");
  });
});

describe("SM4 CBC-MAC", () => {
  it.each(v.sm4CbcMac)("$name", (c) => {
    expect(toHex(sm4CbcMac(bytes(c.key), padIso9797M2(bytes(c.dataHex), 16)))).toBe(c.mac);
  });

  it("adds no padding and rejects empty or misaligned input", () => {
    const key = randomBytes(16);
    expectCode(() => sm4CbcMac(key, randomBytes(17)), "CRYPTO_INVALID_INPUT");
    expectCode(() => sm4CbcMac(key, new Uint8Array(0)), "CRYPTO_INVALID_INPUT");
    expectCode(() => sm4CbcMac(key, randomBytes(16), randomBytes(8)), "CRYPTO_INVALID_INPUT");
  });
});
