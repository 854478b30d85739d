import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  decodeIssuerCertificate,
  decodeSamCertificate,
  issueIssuerCertificate,
  issueSamCertificate,
  signVisitRecord,
  sm2SignDigest,
  toHex,
  verifyCompactChain,
  verifyIssuerCertificate,
  verifySamCertificate,
  verifyVisitRecord,
  visitRecordDigest,
} from "../src/index.js";
import { bytes, expectCode, hex, PROVIDERS, vectors } from "./helpers.js";

const pair = z.object({ privateKey: hex, publicKey: hex });
const v = vectors(
  "crypto/compact-certs.json",
  z.object({
    root: pair,
    issuer: pair.extend({
      fields: z.object({
        caKeyId: hex,
        issuerCode: z.string(),
        expiry: z.string(),
        serial: z.number(),
        publicKey: hex,
      }),
      certificate: hex,
    }),
    sam: pair.extend({
      fields: z.object({
        issuerCode: z.string(),
        samSerial: hex,
        terminalNumber: hex,
        effective: z.string(),
        expiry: z.string(),
        serial: z.number(),
        publicKey: hex,
      }),
      certificate: hex,
    }),
    record: z.object({ cardNumber: z.string(), fid: hex, digest: hex, signature: hex }),
  }),
);
const issuerCert = bytes(v.issuer.certificate);
const samCert = bytes(v.sam.certificate);
const record = { cardNumber: v.record.cardNumber, fid: 0xed01, data: new Uint8Array(3013).map((_, i) => i & 0xff) };
const chain = { rootPublicKey: bytes(v.root.publicKey), issuerCertificate: issuerCert, samCertificate: samCert };
const issuerFields = {
  ...v.issuer.fields,
  caKeyId: bytes(v.issuer.fields.caKeyId),
  publicKey: bytes(v.issuer.publicKey),
};
const samFields = {
  ...v.sam.fields,
  samSerial: bytes(v.sam.fields.samSerial),
  terminalNumber: bytes(v.sam.fields.terminalNumber),
  publicKey: bytes(v.sam.publicKey),
};

describe.each(PROVIDERS)("compact certificates, $name provider", (provider) => {
  const options = { provider, at: "20260101" };

  it("decodes the vector certificates into their fields (180 and 190 bytes)", () => {
    expect(issuerCert).toHaveLength(180);
    expect(samCert).toHaveLength(190);
    const issuer = decodeIssuerCertificate(issuerCert);
    expect({
      ...issuer.fields,
      caKeyId: toHex(issuer.fields.caKeyId),
      publicKey: toHex(issuer.fields.publicKey),
    }).toEqual(v.issuer.fields);
    const sam = decodeSamCertificate(samCert);
    expect(sam.fields.issuerCode).toBe(v.sam.fields.issuerCode);
    expect(toHex(sam.fields.terminalNumber)).toBe(v.sam.fields.terminalNumber);
    expect(sam.fields.effective).toBe("20240101");
    expect(toHex(sam.fields.publicKey)).toBe(v.sam.publicKey);
    expect(toHex(sam.signedData)).toBe(v.sam.certificate.slice(0, 252));
  });

  it("verifies root → issuer → SAM", () => {
    const result = verifyCompactChain(chain, options);
    expect(result.reasons).toEqual([]);
    expect(result.valid).toBe(true);
    expect(toHex(result.sam.fields.publicKey)).toBe(v.sam.publicKey);
  });

  it("names every failure: wrong root, tampered SAM signature, dates", () => {
    const tampered = samCert.slice();
    tampered[189]! ^= 1;
    const result = verifyCompactChain(
      { ...chain, rootPublicKey: bytes(v.sam.publicKey), samCertificate: tampered },
      { provider, at: "20460101" },
    );
    expect(result.reasons.map((r) => r.code).sort()).toEqual(["BAD_SIGNATURE", "BAD_SIGNATURE", "EXPIRED", "EXPIRED"]);
    expect(verifyCompactChain(chain, { provider, at: "20231231" }).reasons.map((r) => r.code)).toEqual([
      "NOT_YET_VALID",
    ]);
    expect(verifyCompactChain(chain, { provider, at: new Date("2044-12-31T15:59:59Z") }).valid).toBe(true); // China date
    expect(verifyCompactChain(chain, { provider, at: new Date("2044-12-31T16:00:00Z") }).valid).toBe(false);
  });

  it("issues certificates that round-trip and verify, and rejects a SAM of another issuer", () => {
    const issued = issueIssuerCertificate(bytes(v.root.privateKey), issuerFields, { provider });
    expect(toHex(issued.subarray(0, 116))).toBe(v.issuer.certificate.slice(0, 232));
    expect(verifyIssuerCertificate(issued, bytes(v.root.publicKey), options).valid).toBe(true);
    const foreign = issueSamCertificate(bytes(v.issuer.privateKey), { ...samFields, issuerCode: "4201" }, { provider });
    const verdict = verifySamCertificate(foreign, decodeIssuerCertificate(issued), options);
    expect(verdict.reasons.map((r) => r.code)).toEqual(["ISSUER_NOT_FOUND"]);
  });

  it("signs and verifies visit records over KH ‖ FID ‖ data", () => {
    const samPub = bytes(v.sam.publicKey);
    expect(toHex(visitRecordDigest(samPub, record, { provider }))).toBe(v.record.digest);
    expect(verifyVisitRecord(samPub, record, bytes(v.record.signature), { provider })).toBe(true);
    const sig = signVisitRecord(bytes(v.sam.privateKey), record, { provider });
    expect(verifyVisitRecord(samPub, record, sig, { provider })).toBe(true);
    // What a SAM does: sign the digest the terminal computed.
    const pso = sm2SignDigest(bytes(v.sam.privateKey), visitRecordDigest(samPub, record, { provider }));
    expect(verifyVisitRecord(samPub, record, pso, { provider })).toBe(true);
    expect(verifyVisitRecord(samPub, { ...record, fid: 0xed02 }, sig, { provider })).toBe(false);
    expect(verifyVisitRecord(samPub, { ...record, cardNumber: "41010519800101002X" }, sig, { provider })).toBe(false);
    const data = record.data.slice();
    data[3012]! ^= 1;
    expect(verifyVisitRecord(samPub, { ...record, data }, sig, { provider })).toBe(false);
  });
});

describe("compact certificate bad input", () => {
  it("malformed certificates are CRYPTO_DECODE", () => {
    expectCode(() => decodeIssuerCertificate(issuerCert.subarray(0, 179)), "CRYPTO_DECODE");
    expectCode(() => decodeSamCertificate(issuerCert), "CRYPTO_DECODE");
    const wrongFormat = issuerCert.slice();
    wrongFormat[0] = 0x13;
    expectCode(() => decodeIssuerCertificate(wrongFormat), "CRYPTO_DECODE");
    const badBcd = issuerCert.slice();
    badBcd[5] = 0xa1;
    expectCode(() => decodeIssuerCertificate(badBcd), "CRYPTO_DECODE");
    const badDate = issuerCert.slice();
    badDate.set([0x20, 0x45, 0x13, 0x31], 16);
    expectCode(() => decodeIssuerCertificate(badDate), "CRYPTO_DECODE");
    const offCurve = samCert.slice();
    offCurve[105]! ^= 1;
    expectCode(() => decodeSamCertificate(offCurve), "CRYPTO_DECODE");
    const reserved = samCert.slice();
    reserved[110] = 1;
    expectCode(() => decodeSamCertificate(reserved), "CRYPTO_DECODE");
  });

  it("bad fields when issuing are CRYPTO_INVALID_INPUT / CRYPTO_INVALID_KEY", () => {
    const key = bytes(v.root.privateKey);
    expectCode(
      () => issueIssuerCertificate(key, { ...issuerFields, issuerCode: "12345678901234567890123" }),
      "CRYPTO_INVALID_INPUT",
    );
    expectCode(() => issueIssuerCertificate(key, { ...issuerFields, expiry: "20450230" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => issueIssuerCertificate(key, { ...issuerFields, serial: 0x1000000 }), "CRYPTO_INVALID_INPUT");
    expectCode(() => issueIssuerCertificate(key, { ...issuerFields, caKeyId: bytes("01") }), "CRYPTO_INVALID_INPUT");
    expectCode(() => issueIssuerCertificate(key, { ...issuerFields, publicKey: bytes("04") }), "CRYPTO_INVALID_KEY");
    expectCode(() => issueSamCertificate(key, { ...samFields, terminalNumber: bytes("01") }), "CRYPTO_INVALID_INPUT");
    expectCode(() => verifyCompactChain(chain, { at: "2026-01-01" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => signVisitRecord(key, { ...record, cardNumber: "身份证号" }), "CRYPTO_INVALID_INPUT");
    expectCode(() => signVisitRecord(key, { ...record, fid: 0x10000 }), "CRYPTO_INVALID_INPUT");
  });
});
