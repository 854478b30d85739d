import { concatBytes } from "../bytes.js";
import { invalidInput } from "../guards.js";
import { getSmProvider } from "../provider/registry.js";
import type { SmProvider } from "../provider/types.js";
import type { ChainReason } from "../x509/reasons.js";
import { chinaDate, isDate } from "./bcd.js";
import {
  type CertificateFormat,
  type IssuerCertificate,
  type IssuerCertificateFields,
  type SamCertificate,
  type SamCertificateFields,
  type VisitRecordInput,
  wst543CertificateFormat,
} from "./format.js";

/**
 * Issue and verify the compact certificates of the health card (root → issuer → SAM) and the SAM's
 * SM2 signature over visit records. Verification names every reason, with the same reason codes
 * as X.509 validation (BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, ISSUER_NOT_FOUND).
 */

export interface CompactOptions {
  format?: CertificateFormat;
  provider?: SmProvider;
}

export interface CompactVerifyOptions extends CompactOptions {
  /** Instant or China date YYYYMMDD (e.g. the visit date) to check validity at; default now. */
  at?: Date | string;
}

export interface CompactVerdict {
  valid: boolean;
  reasons: ChainReason[];
}

function setup(options: CompactOptions = {}) {
  return { format: options.format ?? wst543CertificateFormat, sm2: (options.provider ?? getSmProvider()).sm2 };
}

function dateOf(at: Date | string | undefined): string {
  if (at === undefined) return chinaDate(new Date());
  if (typeof at === "string") {
    if (!isDate(at)) throw invalidInput("validity date must be YYYYMMDD");
    return at;
  }
  if (Number.isNaN(at.getTime())) throw invalidInput("validity time is not a valid Date");
  return chinaDate(at);
}

export function issueIssuerCertificate(
  caPrivateKey: Uint8Array,
  fields: IssuerCertificateFields,
  options?: CompactOptions,
): Uint8Array {
  const { format, sm2 } = setup(options);
  const body = format.encodeIssuerBody(fields);
  return concatBytes(body, sm2.sign(caPrivateKey, body, { userId: format.userId }));
}

export function issueSamCertificate(
  issuerPrivateKey: Uint8Array,
  fields: SamCertificateFields,
  options?: CompactOptions,
): Uint8Array {
  const { format, sm2 } = setup(options);
  const body = format.encodeSamBody(fields);
  return concatBytes(body, sm2.sign(issuerPrivateKey, body, { userId: format.userId }));
}

export function decodeIssuerCertificate(encoded: Uint8Array, options?: CompactOptions): IssuerCertificate {
  return setup(options).format.decodeIssuer(encoded);
}

export function decodeSamCertificate(encoded: Uint8Array, options?: CompactOptions): SamCertificate {
  return setup(options).format.decodeSam(encoded);
}

function checkValidity(
  label: string,
  effective: string | undefined,
  expiry: string,
  date: string,
  depth: number,
  reasons: ChainReason[],
) {
  if (effective !== undefined && date < effective) {
    reasons.push({ code: "NOT_YET_VALID", message: `${label} certificate valid from ${effective}`, depth });
  }
  if (date > expiry) reasons.push({ code: "EXPIRED", message: `${label} certificate expired ${expiry}`, depth });
}

function verdict(reasons: ChainReason[]): CompactVerdict {
  return { valid: reasons.length === 0, reasons };
}

/** Verifies an issuer certificate with the CA (root) public key and its expiry. */
export function verifyIssuerCertificate(
  encoded: Uint8Array,
  caPublicKey: Uint8Array,
  options: CompactVerifyOptions = {},
): CompactVerdict & { certificate: IssuerCertificate } {
  const { format, sm2 } = setup(options);
  const certificate = format.decodeIssuer(encoded);
  const reasons: ChainReason[] = [];
  if (!sm2.verify(caPublicKey, certificate.signedData, certificate.signature, { userId: format.userId })) {
    reasons.push({
      code: "BAD_SIGNATURE",
      message: "issuer certificate signature does not verify with the CA key",
      depth: 1,
    });
  }
  checkValidity("issuer", undefined, certificate.fields.expiry, dateOf(options.at), 1, reasons);
  return { ...verdict(reasons), certificate };
}

/** Verifies a SAM certificate against its (already trusted) issuer certificate: link, signature, dates. */
export function verifySamCertificate(
  encoded: Uint8Array,
  issuer: IssuerCertificate,
  options: CompactVerifyOptions = {},
): CompactVerdict & { certificate: SamCertificate } {
  const { format, sm2 } = setup(options);
  const certificate = format.decodeSam(encoded);
  const reasons: ChainReason[] = [];
  if (certificate.fields.issuerCode !== issuer.fields.issuerCode) {
    reasons.push({
      code: "ISSUER_NOT_FOUND",
      message: `SAM certificate names issuer ${certificate.fields.issuerCode}, not ${issuer.fields.issuerCode}`,
      depth: 0,
    });
  }
  if (!sm2.verify(issuer.fields.publicKey, certificate.signedData, certificate.signature, { userId: format.userId })) {
    reasons.push({
      code: "BAD_SIGNATURE",
      message: "SAM certificate signature does not verify with the issuer key",
      depth: 0,
    });
  }
  checkValidity("SAM", certificate.fields.effective, certificate.fields.expiry, dateOf(options.at), 0, reasons);
  return { ...verdict(reasons), certificate };
}

/** root public key → issuer certificate → SAM certificate, every reason named. */
export function verifyCompactChain(
  input: { rootPublicKey: Uint8Array; issuerCertificate: Uint8Array; samCertificate: Uint8Array },
  options: CompactVerifyOptions = {},
): CompactVerdict & { issuer: IssuerCertificate; sam: SamCertificate } {
  const issuer = verifyIssuerCertificate(input.issuerCertificate, input.rootPublicKey, options);
  const sam = verifySamCertificate(input.samCertificate, issuer.certificate, options);
  return { ...verdict([...sam.reasons, ...issuer.reasons]), issuer: issuer.certificate, sam: sam.certificate };
}

/** e = SM3(Z_SAM ‖ M): what the terminal sends to the SAM's PSO COMPUTE DIGITAL SIGNATURE. */
export function visitRecordDigest(
  samPublicKey: Uint8Array,
  record: VisitRecordInput,
  options?: CompactOptions,
): Uint8Array {
  const { format } = setup(options);
  const provider = options?.provider ?? getSmProvider();
  return provider
    .createSm3()
    .update(provider.sm2.z(samPublicKey, format.userId))
    .update(format.recordMessage(record))
    .digest();
}

export function signVisitRecord(
  samPrivateKey: Uint8Array,
  record: VisitRecordInput,
  options?: CompactOptions,
): Uint8Array {
  const { format, sm2 } = setup(options);
  return sm2.sign(samPrivateKey, format.recordMessage(record), { userId: format.userId });
}

export function verifyVisitRecord(
  samPublicKey: Uint8Array,
  record: VisitRecordInput,
  signature: Uint8Array,
  options?: CompactOptions,
): boolean {
  const { format, sm2 } = setup(options);
  return sm2.verify(samPublicKey, format.recordMessage(record), signature, { userId: format.userId });
}
