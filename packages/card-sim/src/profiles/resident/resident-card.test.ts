import { CARD_FACTOR_BYTES_5_TO_12, CARD_FACTOR_LAST_8, fromHex, toHex } from "@rhc/card-protocol";
import { describe, expect, it } from "vitest";
import { makeResidentImage } from "../../generator/resident.js";
import { residentAtr, residentAts } from "./resident-card.js";

const cardF = fromHex("A1B2C3D4E5F60718");

describe("resident card reset answers (spec §5.1 [P])", () => {
  it("ATS = 0D 78 80 70 02 ‖ cardF: TL 13, T0 78 (TA1 TB1 TC1, FSCI 8), TA1 80, TB1 70 (FWI 7), TC1 02", () => {
    const ats = residentAts(cardF);
    expect(toHex(ats)).toBe("0D78807002A1B2C3D4E5F60718");
    const [tl, t0, ta1, tb1, tc1] = ats;
    expect(tl).toBe(ats.length); // TL counts itself
    expect(t0! >> 4).toBe(0x7); // b5..b7: TA1, TB1, TC1 present
    expect(t0! & 0x0f).toBe(8); // FSCI 8 = 256-byte frames
    expect([ta1, tb1! >> 4, tc1]).toEqual([0x80, 7, 0x02]); // FWI 7
    expect(toHex(ats.subarray(5))).toBe(toHex(cardF)); // historical bytes = cardF
  });

  it("both vendor factor rules find cardF in the ATS, as in the ATR", () => {
    for (const answer of [residentAts(cardF), residentAtr(cardF)]) {
      expect(toHex(CARD_FACTOR_BYTES_5_TO_12.extract(answer))).toBe(toHex(cardF));
      expect(toHex(CARD_FACTOR_LAST_8.extract(answer))).toBe(toHex(cardF));
    }
    expect(toHex(residentAtr(cardF))).toBe("3B69000057A1B2C3D4E5F60718");
  });

  it("carries a generated card's own factor and refuses a factor that is not 8 bytes", () => {
    const image = makeResidentImage({ seed: "ats-1", region: "410100" });
    expect(toHex(residentAts(fromHex(image.cardF)).subarray(5))).toBe(image.cardF);
    expect(() => residentAts(new Uint8Array(7))).toThrow(RangeError);
    expect(() => residentAts(new Uint8Array(9))).toThrow(RangeError);
  });
});
