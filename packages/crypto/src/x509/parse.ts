import { createHash } from "node:crypto";
import { RhcError } from "@rhc/errors";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { toHex } from "../bytes.js";
import { assertBytes } from "../guards.js";
import { LruCache } from "../lru.js";
import { children, oidString, readOnly, TAG, unsignedInteger } from "./der.js";
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

function extensionBytes(ext: pkijs.Extension): Uint8Array {
  return ext.extnValue.valueBlock.valueHexView;
}

function keyUsageOf(value: Uint8Array): Set<KeyUsageName> {
  const bits = readOnly(value, TAG.bitString, "keyUsage").subarray(1); // first byte: unused-bit count
  const usages = new Set<KeyUsageName>();
  KEY_USAGE_NAMES.forEach((name, i) => {
    if (((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0) usages.add(name);
  });
  return usages;
}

function basicConstraintsOf(value: Uint8Array): { ca: boolean; pathLength: number | undefined } {
  let ca = false;
  let pathLength: number | undefined;
  for (const item of children(readOnly(value, TAG.sequence, "basicConstraints"))) {
    if (item.tag === TAG.boolean) ca = item.content[0] !== 0;
    else if (item.tag === TAG.integer) pathLength = Number(unsignedInteger(item.content));
    else throw new Error("basicConstraints: unexpected element");
  }
  return { ca, pathLength };
}

function oidListOf(value: Uint8Array, what: string, nested: boolean): string[] {
  return children(readOnly(value, TAG.sequence, what)).map((item) => {
    const oid = nested ? (item.tag === TAG.sequence ? children(item.content)[0] : undefined) : item;
    if (!oid || oid.tag !== TAG.oid) throw new Error(`${what}: OBJECT IDENTIFIER expected`);
    return oidString(oid.content);
  });
}

function authorityKeyIdOf(value: Uint8Array): string | undefined {
  const keyId = children(readOnly(value, TAG.sequence, "authorityKeyIdentifier")).find(
    (item) => item.tag === TAG.contextPrimitive0,
  );
  return keyId ? hexOf(keyId.content) : undefined;
}

/**
 * Parsing dominates validation time (asn1js), and the same roots, intermediates and CRLs come back
 * on every validation, so parsed objects are kept by SHA-256 of their DER. They are shared: treat
 * them (and their pkijs objects) as immutable.
 */
const certificateCache = new LruCache<ParsedCertificate>(64);
const crlCache = new LruCache<ParsedCrl>(16);

function cached<T>(cache: LruCache<T>, input: Uint8Array, what: string, decode: (der: Uint8Array, fp: string) => T): T {
  assertBytes(input, what);
  const fingerprint = sha256Hex(input);
  let parsed = cache.get(fingerprint);
  if (!parsed) {
    parsed = decode(input.slice(), fingerprint); // a copy: the caller may reuse its buffer
    cache.set(fingerprint, parsed);
  }
  return parsed;
}

export function parseCertificate(input: Uint8Array): ParsedCertificate {
  return cached(certificateCache, input, "certificate", decodeCertificate);
}

function decodeCertificate(der: Uint8Array, fingerprint: string): ParsedCertificate {
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
        case OID.basicConstraints:
          basicConstraints = basicConstraintsOf(extensionBytes(ext));
          break;
        case OID.keyUsage:
          keyUsage = keyUsageOf(extensionBytes(ext));
          break;
        case OID.extKeyUsage:
          extendedKeyUsage = oidListOf(extensionBytes(ext), "extKeyUsage", false);
          break;
        case OID.certificatePolicies:
          policies = oidListOf(extensionBytes(ext), "certificatePolicies", true);
          break;
        case OID.subjectKeyIdentifier:
          subjectKeyId = hexOf(readOnly(extensionBytes(ext), TAG.octetString, "subjectKeyIdentifier"));
          break;
        case OID.authorityKeyIdentifier:
          authorityKeyId = authorityKeyIdOf(extensionBytes(ext));
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
    fingerprintSha256: fingerprint,
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
    reason = CRL_REASONS[Number(unsignedInteger(readOnly(extensionBytes(ext), TAG.enumerated, "CRL reason")))];
  }
  return { serialNumber: serialHex(entry.userCertificate), revocationDate: entry.revocationDate.value, reason };
}

export function parseCrl(input: Uint8Array): ParsedCrl {
  return cached(crlCache, input, "CRL", decodeCrl);
}

function decodeCrl(der: Uint8Array, fingerprint: string): ParsedCrl {
  try {
    const crl = new pkijs.CertificateRevocationList({ schema: berValue(der, "CRL") });
    let crlNumber: bigint | undefined;
    let deltaBase: bigint | undefined;
    let authorityKeyId: string | undefined;
    const critical: string[] = [];
    for (const ext of crl.crlExtensions?.extensions ?? []) {
      if (ext.critical) critical.push(ext.extnID);
      const value = extensionBytes(ext);
      if (ext.extnID === OID.crlNumber) crlNumber = unsignedInteger(readOnly(value, TAG.integer, "CRL number"));
      if (ext.extnID === OID.deltaCrlIndicator) deltaBase = unsignedInteger(readOnly(value, TAG.integer, "delta base"));
      if (ext.extnID === OID.authorityKeyIdentifier) authorityKeyId = authorityKeyIdOf(value);
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
      fingerprintSha256: fingerprint,
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
