import { isRhcError } from "@rhc/errors";
import { describe, expect, it } from "vitest";
import { resident, residentsCsv } from "../../../test/helpers/residents.js";
import { CardDictionaryCatalog } from "../resident/card-dictionary-catalog.js";
import { importResidents } from "./import-residents.js";

const catalog = new CardDictionaryCatalog();

describe("importResidents", () => {
  it("imports good rows and reports bad ones by row and field without stopping", () => {
    const rows = [resident(1), resident(2), resident(3), resident(4), resident(5)];
    rows[1] = { ...rows[1]!, ethnicity: "99" };
    rows[3] = { ...rows[3]!, name: "" };
    const csv = `\uFEFF${residentsCsv(rows)}\n${residentsCsv([resident(1)]).split("\n")[1]}\n1,2\n`;
    const result = importResidents(csv, catalog);

    expect(result.accepted.map((a) => a.row)).toEqual([2, 4, 6]);
    expect(result.accepted[0]!.resident.citizenId).toBe(rows[0]!.citizenId);
    expect(result.rejected.map((p) => [p.row, p.field])).toEqual([
      [3, "ethnicity"],
      [5, "name"],
      [7, "citizenId"],
      [8, "*"],
    ]);
    expect(result.rejected[2]!.zh).toBe("身份证号与第 2 行重复");
  });

  it("accepts quoted fields with commas and labels instead of codes", () => {
    const r = resident(7, { address1: "北京市东城区,东长安街 1 号" });
    const csv = residentsCsv([{ ...r, sex: r.sex === "1" ? "男" : "女", ethnicity: "汉族" }]);
    const result = importResidents(csv, catalog);
    expect(result.rejected).toEqual([]);
    expect(result.accepted[0]!.resident).toMatchObject({
      address1: "北京市东城区,东长安街 1 号",
      ethnicity: "01",
      sex: r.sex,
    });
  });

  it("flags unknown columns and refuses a file without the required columns", () => {
    const csv = `citizenId,name,sex,ethnicity,birthDate,shoe size\n${Object.values(resident(8)).slice(0, 5).join(",")},42`;
    const result = importResidents(csv, catalog);
    expect(result.accepted).toHaveLength(1);
    expect(result.rejected).toEqual([expect.objectContaining({ row: 1, field: "shoe size" })]);

    expect(() => importResidents("name,sex\n张三,1", catalog)).toThrow(/missing required columns: citizenId/);
    expect(() => importResidents("", catalog)).toThrow(/empty/);
    try {
      importResidents('citizenId,"name\n', catalog);
      expect.unreachable();
    } catch (error) {
      expect(isRhcError(error, "CSV_INVALID")).toBe(true);
    }
  });
});
