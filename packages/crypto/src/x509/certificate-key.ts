import { createPublicKey, verify } from "node:crypto";
import type * as pkijs from "pkijs";
import { sm2Verify } from "../sm.js";
import { OID } from "./oids.js";
import { type ParsedCertificate, parseCertificate } from "./parse.js";

/** SM2 keys appear as id-ecPublicKey with the SM2 curve, or (some issuers) with the SM2 OID itself. */
export function isSm2Key(spki: pkijs.PublicKeyInfo): boolean {
  const algorithm = spki.algorithm.algorithmId;
  if (algorithm === OID.sm2Curve) return true;
  if (algorithm !== OID.ecPublicKey) return false;
  const params = spki.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
  return params?.valueBlock?.toString() === OID.sm2Curve;
}

/** The certificate's SM2 public point (04 ‖ x ‖ y), or undefined for any other key type. */
export function sm2PublicKeyOf(cert: ParsedCertificate): Uint8Array | undefined {
  const spki = cert.pkijs.subjectPublicKeyInfo;
  return isSm2Key(spki) ? new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView) : undefined;
}

/**
 * Verifies a signature made with the private key of `certificate` over `message`, the way CA staff
 * cards sign a login challenge: SM2 with Z (default user id) for SM2 keys, ECDSA with SHA-256 and
 * r ‖ s encoding for other EC keys, RSA PKCS#1 v1.5 with SHA-256. A malformed key or signature is a
 * failed verification (false), never an exception.
 */
export function verifyWithCertificate(
  certificate: Uint8Array | ParsedCertificate,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    const cert = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
    const sm2 = sm2PublicKeyOf(cert);
    if (sm2) return sm2Verify(sm2, message, signature);
    const spki = cert.pkijs.subjectPublicKeyInfo;
    const key = createPublicKey({ key: Buffer.from(spki.toSchema().toBER(false)), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ec"
      ? verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature)
      : verify("sha256", message, key, signature);
  } catch {
    return false;
  }
}
