import { describe, expect, it } from "vitest";
import { z } from "zod";
import { tdesDecrypt, tdesEncrypt, toHex } from "../src/index.js";
import { bytes, hex, PROVIDERS, vectors } from "./helpers.js";

const cipher = z.object({
  name: z.string(),
  mode: z.enum(["ecb", "cbc"]),
  padding: z.enum(["none", "iso9797-m2"]).optional(),
  key: hex,
  iv: hex.optional(),
  plaintext: hex,
  ciphertext: hex,
});
const schema = z.object({
  sm4: z.array(cipher).min(3),
  tdes: z.array(cipher).min(4),
  sm2: z.array(z.object({ name: z.string(), publicKey: hex, userId: z.string(), messageHex: hex, signatureDer: hex })),
});
const v = vectors("crypto/openssl.json", schema);
const options = (c: z.infer<typeof cipher>) => ({
  mode: c.mode,
  padding: c.padding ?? "none",
  ...(c.iv ? { iv: bytes(c.iv) } : {}),
});

describe.each(PROVIDERS)("openssl CLI cross-check, $name provider", (p) => {
  it.each(v.sm4)("SM4 $name", (c) => {
    expect(toHex(p.sm4.encrypt(bytes(c.key), bytes(c.plaintext), options(c)))).toBe(c.ciphertext);
    expect(toHex(p.sm4.decrypt(bytes(c.key), bytes(c.ciphertext), options(c)))).toBe(c.plaintext);
  });

  it.each(v.sm2)("SM2 verifies an openssl signature with $name", (s) => {
    const pub = bytes(s.publicKey);
    const msg = bytes(s.messageHex);
    expect(p.sm2.verify(pub, msg, bytes(s.signatureDer), { userId: s.userId })).toBe(true);
    const otherId = s.userId === "1234567812345678" ? "ALICE123@YAHOO.COM" : "1234567812345678";
    expect(p.sm2.verify(pub, msg, bytes(s.signatureDer), { userId: otherId })).toBe(false);
  });
});

describe("3DES against openssl", () => {
  it.each(v.tdes)("$name", (c) => {
    expect(toHex(tdesEncrypt(bytes(c.key), bytes(c.plaintext), options(c)))).toBe(c.ciphertext);
    expect(toHex(tdesDecrypt(bytes(c.key), bytes(c.ciphertext), options(c)))).toBe(c.plaintext);
  });
});
