import { describe, expect, it } from "vitest";
import { F_PADDED_NUMERIC } from "../codec/numeric.js";
import { toHex } from "../util/hex.js";
import {
  decodeInpatientRecord,
  decodeOutpatientRecord,
  ED_LAYOUT,
  EE_LAYOUT,
  encodeInpatientRecord,
  encodeOutpatientRecord,
} from "./visit-records.js";

describe("visit record layouts (spec §3.5, §3.6)", () => {
  it("has 149 inpatient and 172 outpatient fields, contiguous, totalling 1893 and 3267 bytes", () => {
    expect(EE_LAYOUT.fields).toHaveLength(149);
    expect(ED_LAYOUT.fields).toHaveLength(172);
    for (const layout of [EE_LAYOUT, ED_LAYOUT]) {
      let offset = 0;
      layout.fields.forEach((f, i) => {
        expect(f.no).toBe(i + 1);
        expect(f.offset).toBe(offset);
        offset += f.length;
      });
      expect(offset).toBe(layout.size);
    }
    expect(EE_LAYOUT.size).toBe(0x765);
    expect(ED_LAYOUT.size).toBe(0xcc3);
  });

  it("places the spec's landmark fields at their offsets", () => {
    const at = (layout: typeof EE_LAYOUT, no: number) => layout.fields[no - 1]!;
    expect(at(EE_LAYOUT, 74)).toMatchObject({ offset: 0x427, length: 3, format: "cn", key: "lengthOfStay" });
    expect(at(EE_LAYOUT, 148)).toMatchObject({ offset: 1639, length: 64, format: "b", key: "signature" });
    expect(at(EE_LAYOUT, 149)).toMatchObject({ offset: 1703, length: 190, key: "samCertificate" });
    expect(at(ED_LAYOUT, 3)).toMatchObject({ offset: 80, length: 7, kind: "datetime", key: "visitDateTime" });
    expect(at(ED_LAYOUT, 98)).toMatchObject({ offset: 0x84c, length: 6, kind: "number", key: "totalDose1" });
    expect(at(ED_LAYOUT, 171)).toMatchObject({ offset: 3013, key: "signature" });
    expect(EE_LAYOUT.signatureOffset).toBe(EE_LAYOUT.signedLength);
    expect(ED_LAYOUT.certificateOffset).toBe(ED_LAYOUT.signatureOffset + 64);
  });

  it("round-trips an outpatient record's signed part with typed values", () => {
    const input = {
      institutionName: "郑州市第一人民医院",
      institutionCode: "41010001X",
      visitDateTime: "20240315093000",
      outpatientNo: "MZ20240315001",
      paymentMethodCode: "2",
      outpatientDiagnosisName1: "急性上呼吸道感染",
      outpatientDiagnosisCode1: "J06.900",
      symptomDuration1: 3,
      drugName1: "阿莫西林胶囊",
      totalDose1: 24,
      costAmount1: 8650,
    };
    const bytes = encodeOutpatientRecord(input);
    expect(bytes).toHaveLength(3013);
    // Money in fen, right-justified zero-filled ([P]); an unwritten amount stays all F.
    expect(toHex(bytes.subarray(2784, 2788))).toBe("00008650");
    expect(toHex(bytes.subarray(2809, 2813))).toBe("FFFFFFFF");
    const back = decodeOutpatientRecord(bytes);
    expect(back).toMatchObject(input);
    expect(back.costAmount2).toBeUndefined();
    expect(back.symptomName2).toBe("");
    expect(back.signature).toBeUndefined();
  });

  it("round-trips an inpatient record including signature and certificate", () => {
    const data = encodeInpatientRecord({
      admissionDate: "20240101",
      lengthOfStay: 12,
      autopsyFlag: 0,
      inpatientTotalCost: 1234567,
    });
    const full = new Uint8Array(EE_LAYOUT.size);
    full.set(data);
    full.fill(0xab, EE_LAYOUT.signatureOffset, EE_LAYOUT.certificateOffset);
    const record = decodeInpatientRecord(full);
    expect(record).toMatchObject({ admissionDate: "20240101", lengthOfStay: 12, inpatientTotalCost: 1234567 });
    expect(record.signature).toHaveLength(64);
    expect(record.samCertificate).toHaveLength(190);
  });

  it("names the offending field and refuses unknown ones", () => {
    expect(() => encodeOutpatientRecord({ visitDateTime: "20240230093000" })).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID", detail: expect.stringContaining("就诊日期时间") }),
    );
    expect(() => encodeInpatientRecord({ dischargeDepartment: "科".repeat(26) })).toThrow(
      expect.objectContaining({ data: { field: "dischargeDepartment" } }),
    );
    expect(() => encodeInpatientRecord({ noSuchField: "x" } as never)).toThrow(
      expect.objectContaining({ code: "FIELD_INVALID" }),
    );
  });

  it("follows the numeric rule strategy when one is given", () => {
    const bytes = encodeInpatientRecord({ lengthOfStay: 12 }, { numeric: F_PADDED_NUMERIC });
    expect(toHex(bytes.subarray(0x427, 0x42a))).toBe("12FFFF");
    expect(decodeInpatientRecord(bytes, { numeric: F_PADDED_NUMERIC }).lengthOfStay).toBe(12);
  });
});
