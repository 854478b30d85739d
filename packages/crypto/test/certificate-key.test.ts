import { createPrivateKey, sign } from "node:crypto";
import { readVectorText } from "@rhc/test-vectors";
import { describe, expect, it } from "vitest";
import { parseCertificates, sm2PublicKeyOf, sm2Sign, verifyWithCertificate } from "../src/index.js";

/** A login challenge signed the way a staff card signs it, with each test PKI's clinician key. */
function signChallenge(alg: "rsa" | "ec" | "sm2", challenge: Uint8Array): Uint8Array {
  const pem = readVectorText(`x509/${alg}`, "clinician.key");
  if (alg === "sm2") {
    // Node cannot export SM2 keys as JWK: take d from ECPrivateKey (version 1, then OCTET STRING of 32).
    const der = createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
    const at = der.indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20])) + 5;
    return sm2Sign(new Uint8Array(der.subarray(at, at + 32)), challenge);
  }
  const key = createPrivateKey(pem);
  return new Uint8Array(
    alg === "ec" ? sign("sha256", challenge, { key, dsaEncoding: "ieee-p1363" }) : sign("sha256", challenge, key),
  );
}

describe("verifyWithCertificate", () => {
  for (const alg of ["rsa", "ec", "sm2"] as const) {
    it(`verifies a ${alg} card's signature over a challenge and rejects tampering and other keys`, () => {
      const [cert] = parseCertificates(readVectorText(`x509/${alg}`, "clinician.pem"));
      const [other] = parseCertificates(readVectorText(`x509/${alg}`, "revoked.pem"));
      const challenge = new Uint8Array(32).map((_, i) => i * 7);
      const signature = signChallenge(alg, challenge);
      expect(verifyWithCertificate(cert!, challenge, signature)).toBe(true);
      expect(verifyWithCertificate(cert!.der, challenge, signature)).toBe(true);
      expect(
        verifyWithCertificate(
          cert!,
          challenge.map((b, i) => (i === 0 ? b ^ 1 : b)),
          signature,
        ),
      ).toBe(false);
      expect(verifyWithCertificate(other!, challenge, signature)).toBe(false);
      expect(verifyWithCertificate(cert!, challenge, signature.subarray(1))).toBe(false);
      expect(verifyWithCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01]), challenge, signature)).toBe(false);
      expect(sm2PublicKeyOf(cert!) !== undefined).toBe(alg === "sm2");
    });
  }
});
