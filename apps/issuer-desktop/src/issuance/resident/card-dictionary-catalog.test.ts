import { describe, expect, it } from "vitest";
import { resident } from "../../../test/helpers/residents.js";
import { CardDictionaryCatalog } from "./card-dictionary-catalog.js";

const catalog = new CardDictionaryCatalog();
const fieldsOf = (problems: { field: string }[]) => problems.map((p) => p.field);

describe("CardDictionaryCatalog", () => {
  it("accepts a valid resident", () => {
    expect(catalog.validate(resident(1))).toEqual([]);
  });

  it("reports each bad field by name with Chinese and English text", () => {
    const r = resident(2);
    const problems = catalog.validate({
      ...r,
      citizenId: `${r.citizenId!.slice(0, 17)}${r.citizenId![17] === "0" ? "1" : "0"}`,
      name: "欧阳".repeat(8),
      ethnicity: "77",
      sex: "",
    });
    expect(fieldsOf(problems).sort()).toEqual(["citizenId", "ethnicity", "name", "sex"]);
    const name = problems.find((p) => p.field === "name")!;
    expect(name.zh).toBe("姓名：按 GBK 编码为 32 字节，最多允许 30 字节");
    expect(name.en).toMatch(/name: 32 bytes in GBK, at most 30 allowed/);
    expect(problems.find((p) => p.field === "citizenId")!.zh).toMatch(/校验位/);
    expect(problems.find((p) => p.field === "sex")!.zh).toBe("性别：必填");
  });

  it("cross-checks birth date and sex against the citizen ID number", () => {
    const r = resident(3);
    const problems = catalog.validate({ ...r, birthDate: "20000101", sex: r.sex === "1" ? "2" : "1" });
    expect(fieldsOf(problems).sort()).toEqual(["birthDate", "sex"]);
  });

  it("normalizes labels to codes, dashed dates and a lowercase x", () => {
    const r = resident(4);
    const normalized = catalog.normalize({
      ...r,
      sex: r.sex === "1" ? "男" : "女",
      ethnicity: "回",
      birthDate: `${r.birthDate!.slice(0, 4)}-${r.birthDate!.slice(4, 6)}-${r.birthDate!.slice(6)}`,
      name: `  ${r.name}  `,
    });
    expect(normalized).toMatchObject({ sex: r.sex, ethnicity: "03", birthDate: r.birthDate, name: r.name });
    expect(catalog.normalize({ citizenId: "11010519491231002x" }).citizenId).toBe("11010519491231002X");
  });

  it("maps CSV headers by key, Chinese label, English label and alias", () => {
    expect(catalog.keyFor("citizenId")).toBe("citizenId");
    expect(catalog.keyFor("居民身份证号码")).toBe("citizenId");
    expect(catalog.keyFor("身份证号")).toBe("citizenId");
    expect(catalog.keyFor("Name")).toBe("name");
    expect(catalog.keyFor("shoe size")).toBeUndefined();
    const sex = catalog.fields().find((f) => f.key === "sex")!;
    expect(sex).toMatchObject({ format: "b", length: 1, required: true });
    expect(sex.codes?.["1"]).toBe("男");
  });
});
