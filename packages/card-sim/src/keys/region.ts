import { cityFactor, type KeyName, SAM_KEYS } from "@rhc/card-protocol";
import { z } from "zod";
import type { CosCrypto } from "../cos/crypto.js";
import { seededKey } from "./seeded.js";

/**
 * A test region: the issuing authority whose master keys, CA and SAMs belong together. Master keys
 * derive from the region seed, so a resident image, the desk PSAM and the issuer ISAM made for
 * the same region work together without sharing files.
 */
export interface Region {
  /** GB/T 2260 six-digit code of the application city (element 57), e.g. "410100". */
  readonly code: string;
  /** Seed of the master keys and CA keys; defaults to the code. */
  readonly seed: string;
}

export const regionInput = z.union([
  z.string().regex(/^[1-9]\d{5}$/, "a six-digit GB/T 2260 region code"),
  z.object({ code: z.string().regex(/^[1-9]\d{5}$/), seed: z.string().min(1).optional() }).strict(),
]);
export type RegionInput = z.input<typeof regionInput>;

export const DEFAULT_REGION = "410100";

export function toRegion(input: RegionInput = DEFAULT_REGION): Region {
  const parsed = regionInput.parse(input);
  return typeof parsed === "string"
    ? { code: parsed, seed: parsed }
    : { code: parsed.code, seed: parsed.seed ?? parsed.code };
}

/** The masters a region holds: the card key inventory plus the factory transport master [P]. */
export type MasterName = KeyName | "TRANSPORT";

export interface MasterSlot {
  readonly name: MasterName;
  /** P1 of 80 DE: high 3 bits = diversification levels, low 5 bits = key type. */
  readonly usage: number;
  /** P2 of 80 DE. */
  readonly index: number;
  /** Only the issuer's ISAM holds it (personalisation and unblocking keys). */
  readonly issuerOnly: boolean;
}

/**
 * The SAM key map: spec §4.3 for terminal keys (from card-protocol's SAM_KEYS), plus [P] slots
 * for the keys only the issuer needs: the transport master (type 9: usable only to wrap keys for
 * WRITE KEY), STKMF and the lock keys.
 */
export const MASTER_SLOTS: readonly MasterSlot[] = [
  ...Object.entries(SAM_KEYS).map(
    ([name, def]): MasterSlot => ({ name: name as KeyName, usage: def.usage, index: def.index, issuerOnly: false }),
  ),
  { name: "TRANSPORT", usage: 0x29, index: 0x01, issuerOnly: true },
  { name: "STKMF", usage: 0x28, index: 0x06, issuerOnly: true },
  { name: "BKMF", usage: 0x27, index: 0x07, issuerOnly: true },
  { name: "LKDF01", usage: 0x27, index: 0x08, issuerOnly: true },
  { name: "LKDF02", usage: 0x27, index: 0x09, issuerOnly: true },
  { name: "LKDF03", usage: 0x27, index: 0x0a, issuerOnly: true },
];

export function masterSlot(name: MasterName): MasterSlot {
  const slot = MASTER_SLOTS.find((s) => s.name === name);
  if (!slot) throw new Error(`no master slot for ${name}`);
  return slot;
}

export function masterKey(region: Region, name: MasterName): Uint8Array {
  return seededKey(`region/${region.seed}/master/${name}`);
}

/** The diversification factors of a key: cardF, and cityF for 2-level keys (spec §4.3). */
export function keyFactors(name: MasterName, cardF: Uint8Array, cityCode: string): Uint8Array[] {
  return masterSlot(name).usage >> 5 === 2 ? [cardF, cityFactor(cityCode)] : [cardF];
}

/** The per-card key a personalised card holds: Div(MK, cardF[, cityF]). */
export function cardKey(crypto: CosCrypto, region: Region, name: MasterName, cardF: Uint8Array): Uint8Array {
  return crypto.deriveCardKey(masterKey(region, name), keyFactors(name, cardF, region.code));
}
