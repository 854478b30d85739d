import { describe, expect, it } from "vitest";
import { z } from "zod";
import { concatBytes, createWst543KeyScheme, toHex, wst543KeyScheme } from "../src/index.js";
import { bytes, expectCode, hex, PROVIDERS, randomBytes, vectors } from "./helpers.js";

const schema = z.object({
  scheme: z.string(),
  masterKey: hex,
  cardFactor: hex,
  cityFactor: hex,
  k1: hex,
  k2: hex,
  challenge: hex,
  sk1: hex,
  sk2: hex,
  externalAuthenticate: z.object({ p: hex, block: hex, cryptogram: hex, apdu: hex }),
  smUpdateRecord: z.object({
    tlv: hex,
    plainBlock: hex,
    ciphertext: hex,
    header: hex,
    macInput: hex,
    lastBlock: hex,
    mac: hex,
    apdu: hex,
  }),
  macWriteRecord: z.object({ header: hex, data: hex, macInput: hex, mac: hex, apdu: hex }),
});
const v = vectors("crypto/card-keys.json", schema);

describe.each(PROVIDERS)("WS/T 543 key scheme, health-card-spec §11 on the $name provider", (p) => {
  const scheme = createWst543KeyScheme(p);
  const mk = bytes(v.masterKey);
  const cardF = bytes(v.cardFactor);
  const cityF = bytes(v.cityFactor);
  const r = bytes(v.challenge);

  it("diversifies K1 (1 level) and K2 (2 levels)", () => {
    expect(scheme.id).toBe(v.scheme);
    expect(toHex(scheme.diversify(mk, cardF))).toBe(v.k1);
    expect(toHex(scheme.deriveCardKey(mk, [cardF]))).toBe(v.k1);
    expect(toHex(scheme.deriveCardKey(mk, [cardF, cityF]))).toBe(v.k2);
    expect(toHex(scheme.diversify(bytes(v.k1), cityF))).toBe(v.k2);
  });

  it("derives the session keys SK1 and SK2 from the challenge", () => {
    expect(toHex(scheme.sessionKey(bytes(v.k1), r))).toBe(v.sk1);
    expect(toHex(scheme.sessionKey(bytes(v.k2), r))).toBe(v.sk2);
  });

  it("computes the EXTERNAL AUTHENTICATE cryptogram and APDU", () => {
    const ea = v.externalAuthenticate;
    const sk = bytes(v.sk2);
    expect(toHex(scheme.internalAuth(sk, bytes(ea.p)))).toBe(ea.block); // same SM4_K(x ‖ 0⁸) block
    expect(toHex(scheme.fold(bytes(ea.block)))).toBe(ea.cryptogram);
    const crypt = scheme.authCryptogram(sk, bytes(ea.p));
    expect(toHex(crypt)).toBe(ea.cryptogram);
    const apdu = concatBytes(bytes("0082000411"), crypt, bytes(ea.p), bytes("01"));
    expect(toHex(apdu)).toBe(ea.apdu);
  });

  it("encrypts and MACs the SM UPDATE RECORD exactly", () => {
    const u = v.smUpdateRecord;
    const sk = bytes(v.sk1);
    const cipher = scheme.encryptForSm(sk, bytes(u.tlv));
    expect(toHex(cipher)).toBe(u.ciphertext);
    expect(toHex(p.sm4.decrypt(sk, cipher, { mode: "ecb" }))).toBe(u.plainBlock);
    const mac = scheme.mac(sk, concatBytes(bytes(u.header), cipher));
    expect(toHex(mac)).toBe(u.mac);
    expect(toHex(p.sm4.encrypt(sk, bytes(u.macInput), { mode: "cbc", iv: new Uint8Array(16) }).subarray(-16))).toBe(
      u.lastBlock,
    );
    expect(toHex(concatBytes(bytes(u.header), cipher, mac))).toBe(u.apdu);
    expect(toHex(scheme.decryptFromSm(sk, cipher))).toBe(u.tlv);
  });

  it("MACs the WRITE RECORD header", () => {
    const w = v.macWriteRecord;
    const mac = scheme.mac(bytes(v.sk2), concatBytes(bytes(w.header), bytes(w.data)));
    expect(toHex(mac)).toBe(w.mac);
    expect(toHex(concatBytes(bytes(w.header), mac))).toBe(w.apdu);
  });

  it("round-trips SM encryption for every data length 0..255", () => {
    const sk = randomBytes(16);
    for (let n = 0; n <= 255; n++) {
      const data = randomBytes(n);
      const cipher = scheme.encryptForSm(sk, data);
      expect(cipher.length).toBe(Math.ceil((n + 2) / 16) * 16);
      expect(toHex(scheme.decryptFromSm(sk, cipher))).toBe(toHex(data));
    }
  });

  it("rejects forged SM blocks: wrong Lp, wrong padding, wrong key, misaligned", () => {
    const sk = bytes(v.sk1);
    const encrypt = (plain: Uint8Array) => p.sm4.encrypt(sk, plain, { mode: "ecb" });
    const block = (...b: number[]) => {
      const out = new Uint8Array(16);
      out.set(b);
      return out;
    };
    expectCode(() => scheme.decryptFromSm(sk, encrypt(block(14, 1, 2))), "CRYPTO_INVALID_INPUT"); // Lp too long
    expectCode(() => scheme.decryptFromSm(sk, encrypt(block(1, 9, 0x81))), "CRYPTO_INVALID_INPUT"); // not 80
    expectCode(() => scheme.decryptFromSm(sk, encrypt(block(1, 9, 0x80, 0, 1))), "CRYPTO_INVALID_INPUT"); // junk
    expectCode(
      () => scheme.decryptFromSm(sk, encrypt(new Uint8Array(32).fill(0).fill(1, 0, 1))),
      "CRYPTO_INVALID_INPUT",
    ); // extra block
    expect(toHex(scheme.decryptFromSm(sk, encrypt(block(1, 9, 0x80))))).toBe("09");
    expectCode(
      () => scheme.decryptFromSm(randomBytes(16), scheme.encryptForSm(sk, bytes("0102"))),
      "CRYPTO_INVALID_INPUT",
    );
    expectCode(() => scheme.decryptFromSm(sk, randomBytes(20)), "CRYPTO_INVALID_INPUT");
    expectCode(() => scheme.decryptFromSm(sk, new Uint8Array(0)), "CRYPTO_INVALID_INPUT");
  });

  it("rejects wrong key, factor, challenge and block lengths", () => {
    expectCode(() => scheme.diversify(randomBytes(8), cardF), "CRYPTO_INVALID_KEY");
    expectCode(() => scheme.diversify(mk, randomBytes(16)), "CRYPTO_INVALID_INPUT");
    expectCode(() => scheme.deriveCardKey(mk, []), "CRYPTO_INVALID_INPUT");
    expectCode(() => scheme.sessionKey(mk, randomBytes(7)), "CRYPTO_INVALID_INPUT");
    expectCode(() => scheme.authCryptogram(randomBytes(24), r), "CRYPTO_INVALID_KEY");
    expectCode(() => scheme.fold(randomBytes(8)), "CRYPTO_INVALID_INPUT");
    expectCode(() => scheme.mac(randomBytes(15), r), "CRYPTO_INVALID_KEY");
    expectCode(() => scheme.encryptForSm(mk, randomBytes(256)), "CRYPTO_INVALID_INPUT");
  });
});

describe("wst543KeyScheme (default provider)", () => {
  it("gives the same K2 as the pinned schemes", () => {
    expect(toHex(wst543KeyScheme.deriveCardKey(bytes(v.masterKey), [bytes(v.cardFactor), bytes(v.cityFactor)]))).toBe(
      v.k2,
    );
  });
});
