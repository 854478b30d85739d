import { createPublicKey, verify, X509Certificate } from "node:crypto";
import { parseCertificate, sm2Verify } from "@rhc/crypto";

const SM2_CURVE = "1.2.156.10197.1.301";
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";

/**
 * Checks the staff card's INTERNAL AUTHENTICATE answer: a signature over the challenge with the
 * certificate's key — SM2 (with Z, default user id) for SM2 certificates, SHA-256 ECDSA (r‖s) or
 * RSA PKCS#1 v1.5 otherwise. Proves the card holds the private key of the certificate it showed.
 */
export function challengeSignatureValid(
  certificateDer: Uint8Array,
  challenge: Uint8Array,
  signature: Uint8Array,
): boolean {
  const cert = parseCertificate(certificateDer);
  const spki = cert.pkijs.subjectPublicKeyInfo;
  const params = spki.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
  const sm2 =
    spki.algorithm.algorithmId === SM2_CURVE ||
    (spki.algorithm.algorithmId === EC_PUBLIC_KEY && params?.valueBlock?.toString() === SM2_CURVE);
  try {
    if (sm2) return sm2Verify(new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView), challenge, signature);
    const key = createPublicKey(
      new X509Certificate(Buffer.from(certificateDer)).publicKey.export({ type: "spki", format: "pem" }),
    );
    return key.asymmetricKeyType === "rsa"
      ? verify("sha256", challenge, key, signature)
      : verify("sha256", challenge, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    // A malformed key or signature is a failed proof, not a crash of the login.
    return false;
  }
}
