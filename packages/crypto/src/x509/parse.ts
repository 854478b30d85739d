import { createHash } from "node:crypto";
import { RhcError } from "@rhc/errors";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { toHex } from "../bytes.js";
import { assertBytes } from "../guards.js";
import {
  CRL_REASONS,
  KEY_USAGE_NAMES,
  type KeyUsageName,
  NAME_ATTRIBUTES,
  OID,
  SIGNATURE_ALGORITHM_NAMES,
} from "./oids.js";
import { readDerObjects } from "./pem.js";

/**
 * Certificates and CRLs parsed once into the facts the validator needs. pkijs does the ASN.1;
 * extension values are decoded here from their DER so nothing depends on pkijs' "parsedValue"
 * heuristics. Malformed or truncated input is CRYPTO_DECODE.
 */

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly pkijs: pkijs.Certificate;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly fingerprintSha256: string;
  readonly signatureAlgorithm: string;
  /** undefined when the extension is absent. */
  readonly basicConstraints: { ca: boolean; pathLength: number | undefined } | undefined;
  readonly keyUsage: ReadonlySet<KeyUsageName> | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly policies: readonly string[] | undefined;
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
  readonly criticalExtensions: readonly string[];
  /** Problems found while decoding extensions (reported by the validator as CERT_INVALID). */
  readonly extensionErrors: readonly string[];
}

export interface RevokedEntry {
  serialNumber: string;
  revocationDate: Date;
  reason: (typeof CRL_REASONS)[number] | undefined;
}

export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly pkijs: pkijs.CertificateRevocationList;
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly crlNumber: bigint | undefined;
  /** Set for a delta CRL: the number of the complete CRL it updates. */
  readonly deltaBase: bigint | undefined;
  readonly authorityKeyId: string | undefined;
  readonly criticalExtensions: readonly string[];
  readonly entries: ReadonlyMap<string, RevokedEntry>;
  readonly signatureAlgorithm: string;
  readonly fingerprintSha256: string;
}

function decodeError(what: string, cause?: unknown): RhcError {
  const detail = cause instanceof Error ? `${what}: ${cause.message}` : what;
  return new RhcError("CRYPTO_DECODE", { detail, cause });
}

/** Parses exactly one DER object (trailing bytes or truncation are errors). */
function berValue(der: Uint8Array, what: string): asn1js.AsnType {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw decodeError(`${what}: ${asn1.result.error || "not DER"}`);
  if (asn1.offset !== der.byteLength) throw decodeError(`${what}: ${der.byteLength - asn1.offset} trailing bytes`);
  return asn1.result;
}

function sha256Hex(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex").toUpperCase();
}

function hexOf(view: Uint8Array): string {
  return toHex(view);
}

function attributeValue(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock;
  return typeof block?.value === "string" ? block.value : "#unprintable";
}

/** "C=CN, O=…, CN=…" in encoded order, like openssl's default output. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NAME_ATTRIBUTES[tv.type] ?? tv.type}=${attributeValue(tv.value)}`)
    .join(", ");
}

export function serialHex(serial: asn1js.Integer): string {
  return hexOf(serial.valueBlock.valueHexView);
}

function extensionValue(ext: pkijs.Extension): asn1js.AsnType {
  return berValue(ext.extnValue.valueBlock.valueHexView, `extension ${ext.extnID}`);
}

/**
 * Dotted OID from the DER, with BigInt arcs: asn1js prints arcs above 2^53 (e.g. 2.25.<UUID>
 * policy OIDs) as hex blobs, which would never match a configured policy OID.
 */
function oidOf(value: unknown): string {
  if (!(value instanceof asn1js.ObjectIdentifier)) throw new Error("OBJECT IDENTIFIER expected");
  const tlv = new Uint8Array(value.toBER());
  // Skip tag and length (short or long form).
  const lengthBytes = tlv[1]! & 0x80 ? 1 + (tlv[1]! & 0x7f) : 1;
  const body = tlv.subarray(1 + lengthBytes);
  const arcs: bigint[] = [];
  let arc = 0n;
  for (const byte of body) {
    arc = (arc << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  const [first, ...rest] = arcs;
  if (first === undefined) throw new Error("empty OBJECT IDENTIFIER");
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...rest].join(".");
}

function sequenceItems(value: asn1js.AsnType, what: string): asn1js.AsnType[] {
  if (!(value instanceof asn1js.Sequence)) throw new Error(`${what} is not a SEQUENCE`);
  return value.valueBlock.value;
}

function keyUsageOf(value: asn1js.AsnType): Set<KeyUsageName> {
  if (!(value instanceof asn1js.BitString)) throw new Error("keyUsage is not a BIT STRING");
  const bits = value.valueBlock.valueHexView;
  const usages = new Set<KeyUsageName>();
  KEY_USAGE_NAMES.forEach((name, i) => {
    if (((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0) usages.add(name);
  });
  return usages;
}

function integerOf(value: asn1js.AsnType, what: string): bigint {
  if (!(value instanceof asn1js.Integer)) throw decodeError(`${what} is not an INTEGER`);
  return BigInt(`0x${hexOf(value.valueBlock.valueHexView) || "0"}`);
}

function authorityKeyIdOf(value: asn1js.AsnType): string | undefined {
  const aki = new pkijs.AuthorityKeyIdentifier({ schema: value });
  return aki.keyIdentifier ? hexOf(aki.keyIdentifier.valueBlock.valueHexView) : undefined;
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  assertBytes(der, "certificate");
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: berValue(der, "certificate") });
  } catch (error) {
    if (error instanceof RhcError) throw error;
    throw decodeError("certificate", error);
  }
  let basicConstraints: ParsedCertificate["basicConstraints"];
  let keyUsage: Set<KeyUsageName> | undefined;
  let extendedKeyUsage: string[] | undefined;
  let policies: string[] | undefined;
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  const critical: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const ext of cert.extensions ?? []) {
    if (seen.has(ext.extnID)) errors.push(`duplicate extension ${ext.extnID}`);
    seen.add(ext.extnID);
    if (ext.critical) critical.push(ext.extnID);
    try {
      switch (ext.extnID) {
        case OID.basicConstraints: {
          const bc = new pkijs.BasicConstraints({ schema: extensionValue(ext) });
          const len = bc.pathLenConstraint;
          basicConstraints = {
            ca: bc.cA === true,
            pathLength:
              typeof len === "number" ? len : len instanceof asn1js.Integer ? len.valueBlock.valueDec : undefined,
          };
          break;
        }
        case OID.keyUsage:
          keyUsage = keyUsageOf(extensionValue(ext));
          break;
        case OID.extKeyUsage:
          extendedKeyUsage = sequenceItems(extensionValue(ext), "extKeyUsage").map(oidOf);
          break;
        case OID.certificatePolicies:
          policies = sequenceItems(extensionValue(ext), "certificatePolicies").map((info) =>
            oidOf(sequenceItems(info, "PolicyInformation")[0]),
          );
          break;
        case OID.subjectKeyIdentifier: {
          const value = extensionValue(ext);
          if (!(value instanceof asn1js.OctetString)) throw new Error("not an OCTET STRING");
          subjectKeyId = hexOf(value.valueBlock.valueHexView);
          break;
        }
        case OID.authorityKeyIdentifier:
          authorityKeyId = authorityKeyIdOf(extensionValue(ext));
          break;
      }
    } catch (error) {
      errors.push(`extension ${ext.extnID}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    der,
    pkijs: cert,
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    serialNumber: serialHex(cert.serialNumber),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    fingerprintSha256: sha256Hex(der),
    signatureAlgorithm:
      SIGNATURE_ALGORITHM_NAMES[cert.signatureAlgorithm.algorithmId] ?? cert.signatureAlgorithm.algorithmId,
    basicConstraints,
    keyUsage,
    extendedKeyUsage,
    policies,
    subjectKeyId,
    authorityKeyId,
    criticalExtensions: critical,
    extensionErrors: errors,
  };
}

function crlEntry(entry: pkijs.RevokedCertificate): RevokedEntry {
  let reason: RevokedEntry["reason"];
  for (const ext of entry.crlEntryExtensions?.extensions ?? []) {
    if (ext.extnID !== OID.crlReason) continue;
    const value = extensionValue(ext);
    if (!(value instanceof asn1js.Enumerated)) throw decodeError("CRL reason is not ENUMERATED");
    reason = CRL_REASONS[value.valueBlock.valueDec];
  }
  return { serialNumber: serialHex(entry.userCertificate), revocationDate: entry.revocationDate.value, reason };
}

export function parseCrl(der: Uint8Array): ParsedCrl {
  assertBytes(der, "CRL");
  try {
    const crl = new pkijs.CertificateRevocationList({ schema: berValue(der, "CRL") });
    let crlNumber: bigint | undefined;
    let deltaBase: bigint | undefined;
    let authorityKeyId: string | undefined;
    const critical: string[] = [];
    for (const ext of crl.crlExtensions?.extensions ?? []) {
      if (ext.critical) critical.push(ext.extnID);
      if (ext.extnID === OID.crlNumber) crlNumber = integerOf(extensionValue(ext), "CRL number");
      if (ext.extnID === OID.deltaCrlIndicator) deltaBase = integerOf(extensionValue(ext), "delta CRL base");
      if (ext.extnID === OID.authorityKeyIdentifier) authorityKeyId = authorityKeyIdOf(extensionValue(ext));
    }
    const entries = new Map<string, RevokedEntry>();
    for (const revoked of crl.revokedCertificates ?? []) {
      const entry = crlEntry(revoked);
      entries.set(entry.serialNumber, entry);
    }
    return {
      der,
      pkijs: crl,
      issuer: formatName(crl.issuer),
      thisUpdate: crl.thisUpdate.value,
      nextUpdate: crl.nextUpdate?.value,
      crlNumber,
      deltaBase,
      authorityKeyId,
      criticalExtensions: critical,
      entries,
      signatureAlgorithm:
        SIGNATURE_ALGORITHM_NAMES[crl.signatureAlgorithm.algorithmId] ?? crl.signatureAlgorithm.algorithmId,
      fingerprintSha256: sha256Hex(der),
    };
  } catch (error) {
    if (error instanceof RhcError) throw error;
    throw decodeError("CRL", error);
  }
}

/** Certificates from PEM (bundles allowed) or DER, as bytes or text. */
export function parseCertificates(input: Uint8Array | string): ParsedCertificate[] {
  return readDerObjects(input, ["CERTIFICATE", "X509 CERTIFICATE"]).map(parseCertificate);
}

/** CRLs from PEM (bundles allowed) or DER, as bytes or text. */
export function parseCrls(input: Uint8Array | string): ParsedCrl[] {
  return readDerObjects(input, ["X509 CRL"]).map(parseCrl);
}
