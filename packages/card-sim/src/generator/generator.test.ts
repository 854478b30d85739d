import {
  decodeElement,
  decodeElementRecord,
  elementDef,
  encodeElementRecord,
  isValidCitizenId,
} from "@rhc/card-protocol";
import { fromHex } from "@rhc/crypto";
import { describe, expect, it } from "vitest";
import { exportState } from "../cos/state.js";
import { cardFromImage } from "../image/load.js";
import { SeededRandom } from "../keys/seeded.js";
import { encodeBlockJpeg } from "./jpeg.js";
import { makePerson } from "./person.js";
import { makeBlankImage, makeResidentImage } from "./resident.js";

describe("resident generator", () => {
  it("makes valid GB 11643 ID numbers with the sex parity and GBK names that fit 30 bytes", () => {
    let gbkOnly = 0;
    for (let i = 0; i < 300; i++) {
      const p = makePerson(new SeededRandom(`person-${i}`), "410100");
      expect(isValidCitizenId(p.citizenId), p.citizenId).toBe(true);
      expect(p.citizenId.slice(0, 6)).toBe("410100");
      expect(p.citizenId.slice(6, 14)).toBe(p.birthDate);
      expect(Number(p.citizenId[16]) % 2).toBe(p.sex === 1 ? 1 : 0);
      // The ans codec refuses text outside GBK or longer than the element's 30 bytes.
      const record = encodeElementRecord(elementDef("name"), p.name);
      expect(decodeElementRecord(elementDef("name"), record)).toBe(p.name);
      // 喆 and 堃 are in GBK but not in GB 2312.
      if (/[喆堃]/.test(p.name)) gbkOnly++;
    }
    expect(gbkOnly).toBeGreaterThan(0);
  });

  it("is deterministic per seed and differs between seeds", () => {
    expect(makeResidentImage({ seed: "a" })).toEqual(makeResidentImage({ seed: "a" }));
    expect(makeResidentImage({ seed: "a" }).cardF).not.toBe(makeResidentImage({ seed: "b" }).cardF);
    const image = makeResidentImage({ seed: "a", region: "440305" });
    const card = cardFromImage(image);
    expect(exportState(card)).toEqual(image.cos);
    const ef06 = image.cos.files["3F00/DDF1/EF06"] as { records: string[] };
    expect(decodeElement("citizenId", fromHex(ef06.records[4]!)).startsWith("440305")).toBe(true);
  });

  it("makes blank cards with the structure and only transport keys", () => {
    const blank = makeBlankImage({ seed: "blank-x" });
    expect(blank.cos.lifecycle).toBe("personalisation");
    const loaded = Object.entries(blank.cos.keys).filter(([, k]) => k.value);
    expect(loaded.map(([name]) => name.endsWith("#00"))).toEqual(loaded.map(() => true));
    expect(loaded.length).toBe(5);
    expect((blank.cos.files["3F00/DDF1/EF05"] as { records: string[] }).records).toEqual([]);
  });

  it("encodes a decodable JPEG shape (markers, sizes)", () => {
    const jpeg = encodeBlockJpeg([
      [0, 255],
      [128, 64],
    ]);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect([...jpeg.subarray(-2)]).toEqual([0xff, 0xd9]);
    const sof = jpeg.indexOf(0xc0, 2);
    expect([...jpeg.subarray(sof + 4, sof + 8)]).toEqual([0, 16, 0, 16]);
  });
});
