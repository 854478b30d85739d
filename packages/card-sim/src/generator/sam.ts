import { toHex } from "@rhc/crypto";
import type { CosCrypto } from "../cos/crypto.js";
import { exportState } from "../cos/state.js";
import type { EfNode } from "../cos/tree.js";
import type { SamImage } from "../image/schema.js";
import { regionPki, samCertificate } from "../keys/pki.js";
import { MASTER_SLOTS, masterKey, type RegionInput, toRegion } from "../keys/region.js";
import { defaultScheme } from "../keys/scheme.js";
import { seededSm2KeyPair } from "../keys/sm2-keys.js";
import { SAM_APP_PATH, SAM_PIN_REF, SamCard } from "../profiles/sam/sam-card.js";
import { bcdPin } from "./resident.js";

export interface SamImageOptions {
  region?: RegionInput;
  /** 12-digit terminal number: province(2) city(2) organisation(2) serial(6) → EF0016 in BCD. */
  terminalNo?: string;
  /** SAM PIN (default 123456, as in vendor code). */
  pin?: string;
  /** Issuer certificate (180 B) and SAM certificate (190 B); default: issued by the region's test PKI. */
  issuerCertificate?: Uint8Array;
  samCertificate?: Uint8Array;
  crypto?: CosCrypto;
}

const bcd = (digits: string) => Uint8Array.from(Buffer.from(digits, "hex"));

function setFile(sam: SamCard, path: string, content: Uint8Array): void {
  let found: EfNode | undefined;
  for (const ef of sam.root.efs()) if (ef.path === path) found = ef;
  if (!found || found.data.length !== content.length)
    throw new Error(`SAM file ${path} takes ${found?.data.length} bytes`);
  found.data = content.slice();
}

/** The SAM's SM2 key pair: one per region and terminal number (test keys). */
export function samKeyPair(regionSeed: string, terminalNo: string) {
  return seededSm2KeyPair(`region/${regionSeed}/sam/${terminalNo}`);
}

function makeSam(kind: "psam" | "isam", options: SamImageOptions): SamImage {
  const region = toRegion(options.region);
  const terminalNo = options.terminalNo ?? `${region.code.slice(0, 4)}01000001`;
  if (!/^\d{12}$/.test(terminalNo)) throw new RangeError("terminalNo has 12 digits");
  const crypto = options.crypto ?? defaultScheme();
  const masters = MASTER_SLOTS.filter((m) => kind === "isam" || !m.issuerOnly).map((m) => ({
    name: m.name,
    usage: m.usage,
    index: m.index,
    key: masterKey(region, m.name),
  }));
  const sm2 = samKeyPair(region.seed, terminalNo);
  const sam = new SamCard({ kind, crypto, masters, sm2PrivateKey: sm2.privateKey });
  const serial = `${terminalNo.slice(0, 4)}${kind === "isam" ? "9" : "1"}${terminalNo.slice(7)}`.padEnd(20, "0");
  // EF0015: serial(10) ‖ SAM version ‖ key-card type ‖ command-set version ‖ FCI byte.
  setFile(sam, "3F00/0015", Uint8Array.from([...bcd(serial), 0x01, kind === "isam" ? 0x02 : 0x01, 0x01, 0x00]));
  setFile(sam, "3F00/0016", bcd(terminalNo));
  const certificate =
    options.samCertificate ??
    samCertificate(region, { serial: bcd(serial), terminalNumber: bcd(terminalNo), publicKey: sm2.publicKey });
  // EF001A: key index ‖ issuer id(8) ‖ receiver id(8) ‖ start(4) ‖ expiry(4).
  const app = Uint8Array.from([
    0x01,
    ...bcd(`${region.code}0000000000`),
    ...bcd(`${terminalNo}0000`),
    ...bcd("20240101"),
    ...bcd("20341231"),
  ]);
  setFile(sam, `${SAM_APP_PATH}/001A`, app);
  setFile(sam, `${SAM_APP_PATH}/001B`, options.issuerCertificate ?? regionPki(region).issuerCertificate);
  setFile(sam, `${SAM_APP_PATH}/001C`, certificate);
  sam.df(SAM_APP_PATH).pins.get(SAM_PIN_REF)!.value = bcdPin(options.pin ?? "123456");
  return {
    format: "rhc-card-image/1",
    profile: kind,
    label: `${kind.toUpperCase()} ${terminalNo}`,
    meta: { generator: kind === "isam" ? "makeIsamImage" : "makePsamImage", region: region.code, terminalNo },
    masters: masters.map((m) => ({ ...m, key: toHex(m.key) })),
    sm2: { privateKey: toHex(sm2.privateKey), publicKey: toHex(sm2.publicKey) },
    cos: exportState(sam),
  };
}

/** A desk PSAM: the terminal master keys of spec §4.3 for the region, PIN 123456. */
export function makePsamImage(options: SamImageOptions = {}): SamImage {
  return makeSam("psam", options);
}

/** An issuer ISAM: the PSAM keys plus the personalisation masters (transport, STKMF, lock keys). */
export function makeIsamImage(options: SamImageOptions = {}): SamImage {
  return makeSam("isam", { terminalNo: `${toRegion(options.region).code.slice(0, 4)}09000001`, ...options });
}
