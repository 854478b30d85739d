import { createHash } from "node:crypto";
import { issueIssuerCertificate, issueSamCertificate } from "@rhc/crypto";
import type { Region } from "./region.js";
import { type Sm2Pair, seededSm2KeyPair } from "./sm2-keys.js";

/**
 * The test PKI of a region [P] (spec §4.6): a root (CA) key, the issuer key with its 180-byte
 * compact certificate signed by the root, and 190-byte SAM certificates signed by the issuer,
 * made with @rhc/crypto's certificate format. Keys and certificate bodies derive from the region
 * seed; SM2 signatures are randomised, so the signature bytes of a certificate are made once per
 * process and reused (every certificate verifies against the same root key).
 */
export interface RegionPki {
  readonly root: Sm2Pair;
  readonly issuer: Sm2Pair;
  /** 发卡机构代码 (element 04), also the issuer code inside the certificates. */
  readonly issuerCode: string;
  readonly issuerCertificate: Uint8Array;
}

const pkis = new Map<string, RegionPki>();
const samCertificates = new Map<string, Uint8Array>();

export const regionIssuerCode = (region: Region): string => `${region.code}000000001`;

export function regionPki(region: Region): RegionPki {
  const cached = pkis.get(region.seed + region.code);
  if (cached) return cached;
  const root = seededSm2KeyPair(`region/${region.seed}/root`);
  const issuer = seededSm2KeyPair(`region/${region.seed}/issuer`);
  const issuerCode = regionIssuerCode(region);
  const caKeyId = new Uint8Array(createHash("sha256").update(root.publicKey).digest()).slice(0, 4);
  const issuerCertificate = issueIssuerCertificate(root.privateKey, {
    caKeyId,
    issuerCode,
    expiry: "20391231",
    serial: 1,
    publicKey: issuer.publicKey,
  });
  const pki = { root, issuer, issuerCode, issuerCertificate };
  pkis.set(region.seed + region.code, pki);
  return pki;
}

/** The SAM certificate of a SAM of the region (issued by the region's issuer key). */
export function samCertificate(
  region: Region,
  sam: { serial: Uint8Array; terminalNumber: Uint8Array; publicKey: Uint8Array },
): Uint8Array {
  const id = `${region.seed}/${region.code}/${Buffer.from(sam.publicKey).toString("hex")}`;
  const cached = samCertificates.get(id);
  if (cached) return cached;
  const pki = regionPki(region);
  const certificate = issueSamCertificate(pki.issuer.privateKey, {
    issuerCode: pki.issuerCode,
    samSerial: sam.serial,
    terminalNumber: sam.terminalNumber,
    effective: "20240101",
    expiry: "20341231",
    serial: Number.parseInt(Buffer.from(sam.terminalNumber.subarray(3)).toString("hex"), 16) & 0xffffff,
    publicKey: sam.publicKey,
  });
  samCertificates.set(id, certificate);
  return certificate;
}
