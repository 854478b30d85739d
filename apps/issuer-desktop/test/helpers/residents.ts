import { withCitizenIdCheckDigit } from "@rhc/card-protocol";
import type { Resident } from "../../src/shared/resident.js";

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "秀英",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀兰",
  "霞",
];

/** A valid resident: citizen ID with a correct GB 11643 check digit, matching birth date and sex. */
export function resident(n: number, overrides: Resident = {}): Resident {
  const birth = `19${String(50 + (n % 50)).padStart(2, "0")}${String((n % 12) + 1).padStart(2, "0")}${String((n % 28) + 1).padStart(2, "0")}`;
  const seq = String(100 + (n % 900)).padStart(3, "0");
  const citizenId = withCitizenIdCheckDigit(`410105${birth}${seq}`);
  const sex = Number(seq[2]) % 2 === 1 ? "1" : "2";
  return {
    citizenId,
    name: `${SURNAMES[n % SURNAMES.length]}${GIVEN[n % GIVEN.length]}`,
    sex,
    ethnicity: "01",
    birthDate: birth,
    phone1: `1380000${String(n).padStart(4, "0")}`,
    address1: "河南省郑州市金水区经三路 1 号",
    addressType1: "2",
    ...overrides,
  };
}

/** CSV text (Chinese headers, the way a centre's spreadsheet exports it) for residents. */
export function residentsCsv(rows: Resident[]): string {
  const header = ["居民身份证号码", "姓名", "性别", "民族", "出生日期", "本人电话1", "地址1"];
  const keys = ["citizenId", "name", "sex", "ethnicity", "birthDate", "phone1", "address1"] as const;
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [header.join(","), ...rows.map((r) => keys.map((k) => quote(r[k] ?? "")).join(","))].join("\n");
}
