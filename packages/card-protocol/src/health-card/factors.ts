import { RhcError } from "@rhc/errors";

/**
 * Where the 8-byte card diversification factor cardF sits in the reset answer (spec §4.3, §5.1).
 * Vendor code took bytes 5..12 (C1) or the last 8 bytes (C2): a [P] strategy. The project's ATR
 * (`3B 69 00 00 57 ‖ cardF`) satisfies both.
 */
export interface CardFactorRule {
  readonly name: string;
  extract(atr: Uint8Array): Uint8Array;
}

function tooShort(atr: Uint8Array): RhcError {
  return new RhcError("WRONG_CARD_TYPE", { detail: `reset answer of ${atr.length} bytes carries no card factor` });
}

export const CARD_FACTOR_BYTES_5_TO_12: CardFactorRule = {
  name: "bytes-5-12",
  extract(atr) {
    if (atr.length < 13) throw tooShort(atr);
    return atr.slice(5, 13);
  },
};

export const CARD_FACTOR_LAST_8: CardFactorRule = {
  name: "last-8",
  extract(atr) {
    if (atr.length < 13) throw tooShort(atr);
    return atr.slice(atr.length - 8);
  },
};

/**
 * cityF (spec §4.3): ASCII of the first two digits (province) of element 57, then ASCII "000000";
 * Henan 410100 → "41000000" = 34 31 30 30 30 30 30 30.
 */
export function cityFactor(cityCode: string): Uint8Array {
  if (!/^\d{2}/.test(cityCode)) {
    throw new RhcError("CARD_DATA_INVALID", { detail: `application city code "${cityCode}" has no province digits` });
  }
  return new Uint8Array(Buffer.from(`${cityCode.slice(0, 2)}000000`, "ascii"));
}
