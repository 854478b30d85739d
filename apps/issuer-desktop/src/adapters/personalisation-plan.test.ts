import { FILES } from "@rhc/card-protocol";
import { describe, expect, it } from "vitest";
import { PERSONALISATION_PLAN } from "./personalisation-plan.js";

describe("personalisation plan [P]", () => {
  it("visits each DF once, MF first, and writes every TLV file, the photo and the DF03 indexes", () => {
    expect(PERSONALISATION_PLAN.map((v) => v.df)).toEqual(["MF", "DDF1", "DF01", "DF02", "DF03"]);
    const writes = PERSONALISATION_PLAN.flatMap((v) => v.writes.map((w) => ({ df: v.df, ...w })));
    const tlv = FILES.filter((f) => f.structure === "tlv-records").map((f) => f.id);
    expect(writes.filter((w) => w.kind === "records").map((w) => w.file)).toEqual(tlv);
    expect(writes.filter((w) => w.kind === "photo")).toEqual([
      { df: "DDF1", kind: "photo", file: "DDF1/EF07", key: "UK1DDF1" },
    ]);
    expect(writes.filter((w) => w.kind === "free-index")).toEqual([
      { df: "DF03", kind: "free-index", file: "DF03/EF05", key: "UK2DF03", sm: "STKDF03" },
      { df: "DF03", kind: "free-index", file: "DF03/EF06", key: "UK2DF03", sm: "STKDF03" },
    ]);
    // Every write lives in the DF of its visit.
    for (const w of writes) expect(w.file.startsWith(`${w.df}/`), w.file).toBe(true);
  });

  it("takes keys and secure messaging from the card's file map: plain in DDF1, enc+MAC in DF01/DF02", () => {
    const byFile = Object.fromEntries(PERSONALISATION_PLAN.flatMap((v) => v.writes).map((w) => [w.file, w]));
    expect(byFile["DDF1/EF05"]).toEqual({ kind: "records", file: "DDF1/EF05", key: "UK1DDF1" });
    expect(byFile["DF01/EF08"]).toEqual({ kind: "records", file: "DF01/EF08", key: "UK1DF01", sm: "STKDF01" });
    expect(byFile["DF02/EF05"]).toMatchObject({ key: "UK1DF02", sm: "STKDF02" });
    expect(byFile["DF02/EF06"]).toMatchObject({ key: "UK2DF02", sm: "STKDF02" });
    // Within a DF, writes under one key are adjacent, so each update key is authenticated once.
    for (const visit of PERSONALISATION_PLAN) {
      const keys = visit.writes.map((w) => w.key);
      expect(
        keys.filter((k, i) => i === 0 || keys[i - 1] !== k),
        visit.df,
      ).toEqual([...new Set(keys)]);
    }
  });
});
