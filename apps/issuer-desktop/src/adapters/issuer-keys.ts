import {
  CARD_KEY_REFERENCES,
  CARD_KEYS,
  type DfName,
  type KeyName,
  SAM_KEYS,
  type SamKeyName,
} from "@rhc/card-protocol";

/** Where the ISAM keeps a master: P1 (usage: levels in the high 3 bits) and P2 (index) of 80 DE / 80 D4. */
export interface IsamSlot {
  usage: number;
  index: number;
}

/**
 * [P] The ISAM's masters for the keys only the issuer holds (card-sim README, personalisation
 * protocol): the factory transport master and the card/application lock and MF maintenance keys.
 * Every other key uses the terminal SAM map of spec §4.3 (`SAM_KEYS`). Kept as data, so a real
 * ISAM's map replaces it without touching the personaliser.
 */
export const ISSUER_ONLY_SLOTS: Readonly<
  Record<"TRANSPORT" | "STKMF" | "BKMF" | "LKDF01" | "LKDF02" | "LKDF03", IsamSlot>
> = {
  TRANSPORT: { usage: 0x29, index: 0x01 },
  STKMF: { usage: 0x28, index: 0x06 },
  BKMF: { usage: 0x27, index: 0x07 },
  LKDF01: { usage: 0x27, index: 0x08 },
  LKDF02: { usage: 0x27, index: 0x09 },
  LKDF03: { usage: 0x27, index: 0x0a },
};

export function isamSlot(key: KeyName): IsamSlot {
  if (key in ISSUER_ONLY_SLOTS) return ISSUER_ONLY_SLOTS[key as keyof typeof ISSUER_ONLY_SLOTS];
  const def = SAM_KEYS[key as SamKeyName];
  return { usage: def.usage, index: def.index };
}

/** Key number inside the DF's key file: the low 7 bits of the key reference (spec §4.2). */
export const keyNumber = (key: KeyName): number => CARD_KEY_REFERENCES[key] & 0x7f;

/** Personalisation order: MF keys first, then DDF1 and its applications. */
export const KEY_DF_ORDER: readonly (DfName | "MF")[] = ["MF", "DDF1", "DF01", "DF02", "DF03"];

export function keysOf(df: DfName | "MF"): KeyName[] {
  return (Object.keys(CARD_KEYS) as KeyName[]).filter((k) => CARD_KEYS[k].df === df);
}
