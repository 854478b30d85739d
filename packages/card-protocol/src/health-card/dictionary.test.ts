import { describe, expect, it } from "vitest";
import { decodeLayout, encodeLayout } from "../codec/layout.js";
import { fromHex, toHex } from "../util/hex.js";
import { ELEMENTS, elementDef, elementsOf } from "./elements.js";
import { CARD_FACTOR_BYTES_5_TO_12, CARD_FACTOR_LAST_8, cityFactor } from "./factors.js";
import { DFS, FILES, fileDef, filePath } from "./files.js";
import { CARD_KEY_REFERENCES, CARD_KEYS, SAM_KEYS, STK_OF_DF } from "./keys.js";
import {
  ALLERGY_LAYOUT,
  decodeElement,
  decodeElementRecord,
  decodeIndexFlag,
  decodePhoto,
  decodePhotoLength,
  emptyElementRecord,
  encodeElementRecord,
  encodePhoto,
  encodeTlvFile,
  IMMUNISATION_LAYOUT,
} from "./records.js";

describe("file map (spec §2.2)", () => {
  it("has the 22 files of the health environment with their DFs, FIDs and sizes", () => {
    expect(FILES).toHaveLength(22);
    expect(filePath("DDF1/EF05")).toEqual([0xddf1, 0xef05]);
    expect(filePath("DF03/ED05")).toEqual([0xddf1, 0xdf03, 0xed05]);
    expect(fileDef("DDF1/EF07").size).toBe(3074);
    expect(fileDef("DF03/EE02").size).toBe(1893);
    expect(fileDef("DF03/ED04").size).toBe(3267);
    expect(fileDef("DF02/EF07")).toMatchObject({ structure: "cyclic", records: 3, recordLength: 120 });
    expect(fileDef("DF02/EF08")).toMatchObject({ structure: "cyclic", records: 10, recordLength: 24 });
    expect(fileDef("DF03/EF06")).toMatchObject({ structure: "linear-fixed", records: 5, recordLength: 1 });
    expect(Buffer.from(fromHex(DFS.DDF1.aid)).toString("ascii")).toBe("WS.SYS.DDF01");
    expect([DFS.DF01.aid, DFS.DF02.aid, DFS.DF03.aid]).toEqual(["915600013200", "915600013201", "915600013202"]);
  });

  it("gates every file with keys of its own DF (S1 Table 10-2)", () => {
    for (const file of FILES) {
      const keys = [file.read, file.update.key, file.erase?.key].filter((k) => k !== undefined && k !== "free");
      for (const key of keys) expect(CARD_KEYS[key as keyof typeof CARD_KEYS].df, `${file.id} ${key}`).toBe(file.df);
    }
    expect(fileDef("DDF1/EF05").read).toBe("free");
    expect(FILES.filter((f) => f.read === "free").map((f) => f.id)).toEqual(["DDF1/EF05"]);
    expect(fileDef("DF02/EF06").update.key).toBe("UK2DF02");
    expect(fileDef("DF02/EF07").update.key).toBe("UK3DF02");
    expect(fileDef("DF03/EF05").erase?.key).toBe("UK2DF03");
    expect(FILES.filter((f) => !f.writableAfterIssuance).map((f) => f.id)).toEqual(["DDF1/EF05", "DDF1/EF06"]);
  });

  it("demands SM exactly where S1 says in strict mode and relaxes the vendor variants in lenient mode", () => {
    const strict = (mode: string) =>
      FILES.filter((f) => f.update.sm.strict === mode)
        .map((f) => f.id)
        .join(" ");
    expect(strict("enc+mac")).toBe("DF01/EF05 DF01/EF06 DF01/EF07 DF01/EF08 DF02/EF05 DF02/EF06 DF02/EF07 DF02/EF08");
    expect(strict("mac")).toBe("DF03/EF05 DF03/EF06");
    expect(fileDef("DF02/EF07").update.sm.lenient).toBe("plain");
    expect(fileDef("DF03/EF06").erase?.sm).toEqual({ strict: "mac", lenient: "plain" });
    expect(fileDef("DF01/EF05").update.sm.lenient).toBe("enc+mac");
  });
});

describe("data elements (spec §3.2)", () => {
  it("numbers all 57 elements consecutively with tag = number", () => {
    expect(ELEMENTS).toHaveLength(57);
    expect(ELEMENTS.map((e) => e.no)).toEqual(Array.from({ length: 57 }, (_, i) => i + 1));
    expect(new Set(ELEMENTS.map((e) => e.key)).size).toBe(57);
    expect(elementDef("cityCode")).toMatchObject({ no: 57, format: "cn", length: 3, file: "DDF1/EF05", record: 10 });
    expect(elementDef("expiryDate")).toMatchObject({ no: 7, file: "DDF1/EF08", record: 1 });
    expect(elementDef("cardNumber")).toMatchObject({ no: 8, file: "DDF1/EF05", record: 7 });
  });

  it("fills every TLV file with consecutive records matching the file's record count", () => {
    for (const file of FILES.filter((f) => f.structure === "tlv-records")) {
      const records = elementsOf(file.id).map((e) => e.record);
      expect(records, file.id).toEqual(Array.from({ length: file.records! }, (_, i) => i + 1));
    }
  });

  it("gives the Le values of the vendor's read-by-tag flow (spec §6.2)", () => {
    const le = elementsOf("DDF1/EF05").map(
      (e) => `${e.no.toString(16).padStart(2, "0")}:${(2 + e.length).toString(16)}`,
    );
    expect(le.join(" ").toUpperCase()).toBe("01:3 02:6 03:20 04:D 05:B6 06:6 08:14 09:5 0A:C 39:5");
  });

  it("encodes and decodes element records, naming the element in errors", () => {
    const city = elementDef("cityCode");
    expect(toHex(encodeElementRecord(city, "410100"))).toBe("3903410100");
    expect(decodeElement("cityCode", fromHex("3903410100"))).toBe("410100");
    expect(toHex(encodeElementRecord(elementDef("name"), "张三"))).toBe(`0B1ED5C5C8FD${"00".repeat(26)}`);
    expect(toHex(emptyElementRecord(elementDef("birthDate")))).toBe("0E04FFFFFFFF");
    expect(decodeElementRecord(elementDef("birthDate"), fromHex("0E04FFFFFFFF"))).toBe("");
    expect(decodeElement("sex", fromHex("0C0102"))).toBe(2);
    expect(() => encodeElementRecord(elementDef("citizenId"), "410102199003071231")).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID", detail: expect.stringContaining("居民身份证号码") }),
    );
    expect(() => encodeElementRecord(elementDef("sex"), 3)).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
    expect(() => encodeElementRecord(elementDef("paymentMethod1"), "9")).toThrow(
      expect.objectContaining({ detail: expect.stringContaining("医疗费用支付方式1") }),
    );
    expect(() => encodeElementRecord(elementDef("cityCode"), "41")).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID" }),
    );
  });

  it("encodes a whole TLV file in record order and refuses unknown keys", () => {
    const records = encodeTlvFile("DDF1/EF08", { expiryDate: "20341231", phone1: "13800138000", paymentMethod1: "2" });
    expect(records.map((r) => toHex(r.subarray(0, 3)))).toEqual([
      "070420",
      "101431",
      "111400",
      "12012F",
      "1301FF",
      "1401FF",
    ]);
    expect(() => encodeTlvFile("DDF1/EF08", { name: "x" })).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
  });
});

describe("keys (spec §4.1–§4.3)", () => {
  it("maps card keys to EXTERNAL AUTHENTICATE references", () => {
    expect(CARD_KEY_REFERENCES.RK1DDF1).toBe(0x04);
    expect(CARD_KEY_REFERENCES.RK1DF02).toBe(0x84);
    expect(CARD_KEY_REFERENCES.UK1DDF1).toBe(0x05);
    expect(CARD_KEY_REFERENCES.UK1DF03).toBe(0x85);
    expect(CARD_KEY_REFERENCES.UK2DF03).toBe(0x86);
    expect(CARD_KEY_REFERENCES.UK3DF02).toBe(0x87);
  });

  it("maps card keys to SAM usage/index with levels from the usage byte", () => {
    expect(SAM_KEYS.RK1DDF1).toMatchObject({ usage: 0x47, index: 0x31, levels: 2, keyType: 7 });
    expect(SAM_KEYS.UK1DF01).toMatchObject({ usage: 0x27, index: 0x2b, levels: 1 });
    expect(SAM_KEYS.STKDF02).toMatchObject({ usage: 0x48, index: 0x04, levels: 2, keyType: 8 });
    expect(SAM_KEYS.UK2DF03).toMatchObject({ usage: 0x27, index: 0x30, levels: 1 });
    expect(SAM_KEYS.IRKDDF1).toMatchObject({ usage: 0x47, index: 0x35, projectChoice: true });
    expect(Object.values(STK_OF_DF)).toEqual(["STKDDF1", "STKDF01", "STKDF02", "STKDF03"]);
    expect(new Set(Object.values(SAM_KEYS).map((k) => k.index)).size).toBe(Object.keys(SAM_KEYS).length);
  });
});

describe("non-TLV records (spec §3.3, §3.4)", () => {
  it("round-trips allergy and immunisation records", () => {
    const allergy = encodeLayout(ALLERGY_LAYOUT, { substance: "青霉素", reaction: "皮疹" });
    expect(allergy).toHaveLength(120);
    expect(decodeLayout(ALLERGY_LAYOUT, allergy)).toEqual({ substance: "青霉素", reaction: "皮疹" });
    const shot = encodeLayout(IMMUNISATION_LAYOUT, { vaccine: "乙肝疫苗", date: "20240105" });
    expect(toHex(shot.subarray(20))).toBe("20240105");
    expect(decodeLayout(IMMUNISATION_LAYOUT, shot)).toEqual({ vaccine: "乙肝疫苗", date: "20240105" });
    expect(() => encodeLayout(IMMUNISATION_LAYOUT, { vaccine: "x", date: "2024" })).toThrow(
      expect.objectContaining({ detail: expect.stringContaining("免疫接种时间") }),
    );
  });

  it("reads index flags 00/FF and rejects anything else", () => {
    expect(decodeIndexFlag(fromHex("00"))).toBe(true);
    expect(decodeIndexFlag(fromHex("FF"))).toBe(false);
    expect(() => decodeIndexFlag(fromHex("01"))).toThrow(expect.objectContaining({ code: "CARD_DATA_INVALID" }));
  });

  it("prefixes the photo with its length and bounds it to 3072 bytes", () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const stored = encodePhoto(jpeg);
    expect(toHex(stored.subarray(0, 2))).toBe("0007");
    expect(decodePhoto(stored)).toEqual(jpeg);
    expect(decodePhotoLength(fromHex("FFFF"))).toBe(0);
    expect(() => decodePhotoLength(fromHex("0C01"))).toThrow(expect.objectContaining({ code: "CARD_DATA_INVALID" }));
    expect(() => encodePhoto(new Uint8Array(3073).fill(0xff))).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID" }),
    );
    expect(() => encodePhoto(Uint8Array.of(1, 2, 3))).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
  });
});

describe("diversification factors (spec §4.3, §5.1)", () => {
  it("takes cardF from the reset answer by either vendor rule and builds cityF from the province", () => {
    const atr = fromHex("3B6900005701020304050607 08");
    expect(toHex(CARD_FACTOR_BYTES_5_TO_12.extract(atr))).toBe("0102030405060708");
    expect(toHex(CARD_FACTOR_LAST_8.extract(atr))).toBe("0102030405060708");
    const longer = fromHex("3B6A0000570102030405060708 99");
    expect(toHex(CARD_FACTOR_LAST_8.extract(longer))).toBe("0203040506070899");
    expect(() => CARD_FACTOR_BYTES_5_TO_12.extract(fromHex("3B00"))).toThrow(
      expect.objectContaining({ code: "WRONG_CARD_TYPE" }),
    );
    expect(toHex(cityFactor("410100"))).toBe("3431303030303030");
    expect(() => cityFactor("")).toThrow(expect.objectContaining({ code: "CARD_DATA_INVALID" }));
  });
});
