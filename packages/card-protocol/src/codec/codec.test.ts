import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../util/hex.js";
import { decodeAns, encodeAns } from "./ans.js";
import { decodeCn, encodeCn, isValidDate, isValidDateTime } from "./cn.js";
import { decodeField, decodeFieldAt, encodeField, type FieldSpec } from "./field.js";
import { citizenIdCheckDigit, citizenIdProblem, isValidCitizenId, withCitizenIdCheckDigit } from "./gb11643.js";
import { F_PADDED_NUMERIC, ZERO_FILLED_NUMERIC } from "./numeric.js";
import { decodeTlvRecord, encodeTlvRecord } from "./tlv-record.js";

const NAME = { key: "name", zh: "姓名", en: "name" };

describe("ans (GBK, 0x00-padded by bytes)", () => {
  it("pads by bytes, not characters", () => {
    expect(toHex(encodeAns("张三", 6, NAME))).toBe("D5C5C8FD0000");
    expect(toHex(encodeAns("AB1", 4, NAME))).toBe("41423100");
    // 15 Chinese characters fill a 30-byte name exactly; the 16th does not fit.
    expect(encodeAns("中".repeat(15), 30, NAME)).toHaveLength(30);
    expect(() => encodeAns("中".repeat(16), 30, NAME)).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID", detail: expect.stringContaining("姓名") }),
    );
  });

  it("refuses characters GBK cannot hold and NUL", () => {
    for (const bad of ["😀", "𠀀", "a\u0000b"]) {
      expect(() => encodeAns(bad, 30, NAME)).toThrow(
        expect.objectContaining({ code: "FIELD_INVALID", data: { field: "name" } }),
      );
    }
  });

  it("decodes tolerating trailing spaces, stops at NUL and treats all-FF as empty", () => {
    expect(decodeAns(fromHex("D5C5C8FD0000"), NAME)).toBe("张三");
    expect(decodeAns(fromHex("D5C5C8FD2020"), NAME)).toBe("张三");
    expect(decodeAns(fromHex("41004242"), NAME)).toBe("A");
    expect(decodeAns(fromHex("FFFFFF"), NAME)).toBe("");
    expect(decodeAns(new Uint8Array(4), NAME)).toBe("");
  });

  it("reports bytes that are not GBK as card data errors naming the field", () => {
    for (const bad of ["D5", "41FF42", "FF41"]) {
      expect(() => decodeAns(fromHex(bad), NAME)).toThrow(
        expect.objectContaining({ code: "CARD_DATA_INVALID", detail: expect.stringContaining("姓名") }),
      );
    }
  });
});

describe("cn (BCD, F-padded)", () => {
  const F = { key: "x", zh: "x", en: "x" };
  it("left-justifies and pads with F", () => {
    expect(toHex(encodeCn("410102", 3, F))).toBe("410102");
    expect(toHex(encodeCn("1", 1, F))).toBe("1F");
    expect(toHex(encodeCn("123", 4, F))).toBe("123FFFFF");
    expect(toHex(encodeCn("", 2, F))).toBe("FFFF");
    expect(() => encodeCn("12a", 2, F)).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
    expect(() => encodeCn("12345", 2, F)).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
  });

  it("decodes and rejects non-BCD nibbles or digits after padding", () => {
    expect(decodeCn(fromHex("123FFFFF"), F)).toBe("123");
    expect(decodeCn(fromHex("FFFF"), F)).toBe("");
    expect(decodeCn(fromHex("0000"), F)).toBe("0000");
    for (const bad of ["1A", "F1", "1FF2", "C0"]) {
      expect(() => decodeCn(fromHex(bad), F)).toThrow(expect.objectContaining({ code: "CARD_DATA_INVALID" }));
    }
  });

  it("validates calendar dates and date-times", () => {
    expect(isValidDate("20240229")).toBe(true);
    expect(isValidDate("20230229")).toBe(false);
    expect(isValidDate("20241301")).toBe(false);
    expect(isValidDate("2024011")).toBe(false);
    expect(isValidDate("18991231")).toBe(false);
    expect(isValidDateTime("20240315093000")).toBe(true);
    expect(isValidDateTime("20240315246000")).toBe(false);
    expect(isValidDateTime("20240315")).toBe(false);
  });
});

describe("[P] numeric rule for counts and money", () => {
  const AMOUNT = { key: "costAmount1", zh: "门诊费用金额1", en: "cost amount 1" };
  it("writes right-justified zero-filled by default and F-padded as the alternative", () => {
    expect(toHex(ZERO_FILLED_NUMERIC.encode(1250, 4, AMOUNT))).toBe("00001250");
    expect(toHex(F_PADDED_NUMERIC.encode(1250, 4, AMOUNT))).toBe("1250FFFF");
    expect(ZERO_FILLED_NUMERIC.decode(fromHex("00001250"), AMOUNT)).toBe(1250);
    expect(F_PADDED_NUMERIC.decode(fromHex("1250FFFF"), AMOUNT)).toBe(1250);
    expect(ZERO_FILLED_NUMERIC.decode(fromHex("FFFFFFFF"), AMOUNT)).toBeUndefined();
    expect(ZERO_FILLED_NUMERIC.decode(fromHex("00000000"), AMOUNT)).toBe(0);
  });

  it("rejects fractions, negatives and overflow", () => {
    for (const bad of [12.5, -1, 100_000_000]) {
      expect(() => ZERO_FILLED_NUMERIC.encode(bad, 4, AMOUNT)).toThrow(
        expect.objectContaining({ code: "FIELD_INVALID", detail: expect.stringContaining("门诊费用金额1") }),
      );
    }
  });
});

describe("GB 11643 citizen ID check digit", () => {
  it("computes the check character, X included", () => {
    expect(citizenIdCheckDigit("11010519491231002")).toBe("X");
    expect(citizenIdCheckDigit("44052418800101001")).toBe("4");
    expect(withCitizenIdCheckDigit("41010219900307123")).toBe("410102199003071230");
  });

  it("validates structure, birth date and check character", () => {
    expect(isValidCitizenId("11010519491231002X")).toBe(true);
    expect(isValidCitizenId("440524188001010014")).toBe(false); // birth year 1880 is outside 1900–2099
    expect(citizenIdProblem("410102199003071231")).toContain("expected 0");
    expect(citizenIdProblem("11010519491231002x")).toContain("uppercase X");
    expect(citizenIdProblem("410102199002301230")).toContain("birth date");
    expect(citizenIdProblem("010102199003071230")).toContain("region");
  });
});

describe("TLV records", () => {
  const spec = { tag: 0x39, length: 3, field: { key: "cityCode", zh: "应用城市代码", en: "city code" } };
  it("encodes T L V and checks the value length", () => {
    expect(toHex(encodeTlvRecord(spec, fromHex("410100")))).toBe("3903410100");
    expect(() => encodeTlvRecord(spec, fromHex("4101"))).toThrow(expect.objectContaining({ code: "FIELD_INVALID" }));
  });

  it("decodes with tag check, pads short values and rejects overlong ones", () => {
    expect(toHex(decodeTlvRecord(spec, fromHex("3903410100")))).toBe("410100");
    expect(toHex(decodeTlvRecord(spec, fromHex("39024101"), 0xff))).toBe("4101FF");
    for (const bad of ["3A03410100", "3904410100FF", "390341", "39"]) {
      expect(() => decodeTlvRecord(spec, fromHex(bad))).toThrow(
        expect.objectContaining({ code: "CARD_DATA_INVALID", data: { field: "cityCode" } }),
      );
    }
  });
});

describe("field encode/decode by kind", () => {
  const field = (
    kind: FieldSpec["kind"],
    format: FieldSpec["format"],
    length: number,
    extra: Partial<FieldSpec> = {},
  ) => ({ key: "f", zh: "字段", en: "field", kind, format, length, ...extra }) as FieldSpec;

  it("round-trips every kind", () => {
    const cases: [FieldSpec, string | number | Uint8Array | undefined, string][] = [
      [field("text", "ans", 4), "AB", "41420000"],
      [field("digits", "cn", 2), "123", "123F"],
      [field("date", "cn", 4), "20240315", "20240315"],
      [field("datetime", "cn", 7), "20240315093000", "20240315093000"],
      [field("number", "cn", 2), 7, "0007"],
      [field("money", "cn", 5), 123456, "0000123456"],
      [field("byte", "b", 1), 2, "02"],
      [field("flag", "b", 1), 1, "01"],
      [field("bytes", "b", 3), fromHex("010203"), "010203"],
    ];
    for (const [spec, value, hex] of cases) {
      const bytes = encodeField(spec, value);
      expect(toHex(bytes)).toBe(hex);
      expect(decodeField(spec, bytes)).toEqual(value);
    }
  });

  it("writes empty fillers for absent values and reads them back as empty", () => {
    expect(toHex(encodeField(field("text", "ans", 2), undefined))).toBe("0000");
    expect(toHex(encodeField(field("date", "cn", 4), ""))).toBe("FFFFFFFF");
    expect(decodeField(field("date", "cn", 4), new Uint8Array(4))).toBe("");
    expect(decodeField(field("number", "cn", 2), fromHex("FFFF"))).toBeUndefined();
  });

  it("validates code lists, flags, dates, exact digits, byte lengths and types", () => {
    const bad: [FieldSpec, string | number | Uint8Array][] = [
      [field("digits", "cn", 1, { codes: { "1": "a", "2": "b" } }), "3"],
      [field("byte", "b", 1, { codes: { "1": "a" } }), 7],
      [field("flag", "b", 1), 2],
      [field("byte", "b", 1), 256],
      [field("date", "cn", 4), "20240230"],
      [field("datetime", "cn", 7), "20240230000000"],
      [field("digits", "cn", 3, { exactDigits: 6 }), "4101"],
      [field("bytes", "b", 3), fromHex("01")],
      [field("text", "ans", 18, { check: "gb11643" }), "410102199003071231"],
      [field("text", "ans", 4), 5],
      [field("number", "cn", 2), "5"],
    ];
    for (const [spec, value] of bad) {
      expect(() => encodeField(spec, value), `${spec.kind} ${String(value)}`).toThrow(
        expect.objectContaining({ code: "FIELD_INVALID", data: { field: "f" } }),
      );
    }
  });

  it("decodes a field in place inside a record exactly as a copy of its bytes, errors included", () => {
    const cases: [FieldSpec, string][] = [
      [field("text", "ans", 6), "D5C5C8FD2020"],
      [field("text", "ans", 4), "41004242"],
      [field("text", "ans", 3), "FFFFFF"],
      [field("text", "ans", 3), "000000"],
      [field("text", "ans", 3), "41FF42"],
      [field("digits", "cn", 3), "123FFF"],
      [field("digits", "cn", 2), "1F2F"],
      [field("date", "cn", 4), "00000000"],
      [field("date", "cn", 4), "FFFFFFFF"],
      [field("date", "cn", 4), "20240315"],
      [field("money", "cn", 5), "0000123456"],
      [field("number", "cn", 2), "FFFF"],
      [field("flag", "b", 1), "01"],
      [field("bytes", "b", 3), "010203"],
    ];
    const outcome = (decode: () => unknown) => {
      try {
        return { value: decode() };
      } catch (error) {
        return { error: (error as { code: string; detail: string }).detail };
      }
    };
    for (const [spec, hex] of cases) {
      // Neighbours that would change the answer if a decoder looked past its field.
      const record = fromHex(`3132${hex}4142`);
      expect(
        outcome(() => decodeFieldAt(spec, record, 2)),
        `${spec.kind} ${hex}`,
      ).toEqual(outcome(() => decodeField(spec, fromHex(hex))));
    }
  });

  it("rejects bytes of the wrong length when decoding", () => {
    expect(() => decodeField(field("text", "ans", 4), new Uint8Array(3))).toThrow(
      expect.objectContaining({ code: "CARD_DATA_INVALID" }),
    );
  });
});
