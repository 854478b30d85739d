import { withCitizenIdCheckDigit } from "@rhc/card-protocol";
import type { SeededRandom } from "../keys/seeded.js";

/** Region names for the generated addresses (GB/T 2260); unknown codes get a generic province. */
const REGION_NAMES: Readonly<Record<string, { province: string; city: string; issuer: string }>> = {
  "11": { province: "北京市", city: "北京市", issuer: "北京市卫生健康委员会" },
  "31": { province: "上海市", city: "上海市", issuer: "上海市卫生健康委员会" },
  "32": { province: "江苏省", city: "南京市", issuer: "江苏省卫生健康委员会" },
  "33": { province: "浙江省", city: "杭州市", issuer: "浙江省卫生健康委员会" },
  "37": { province: "山东省", city: "济南市", issuer: "山东省卫生健康委员会" },
  "41": { province: "河南省", city: "郑州市", issuer: "河南省卫生健康委员会" },
  "44": { province: "广东省", city: "广州市", issuer: "广东省卫生健康委员会" },
  "51": { province: "四川省", city: "成都市", issuer: "四川省卫生健康委员会" },
};

export function regionNames(code: string) {
  return REGION_NAMES[code.slice(0, 2)] ?? { province: "测试省", city: "测试市", issuer: "测试省卫生健康委员会" };
}

const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳司马诸葛";
const GIVEN_MALE = [
  "伟",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "杰",
  "涛",
  "明",
  "超",
  "刚",
  "平",
  "辉",
  "鹏",
  "浩",
  "宇",
  "喆",
  "堃",
  "建国",
  "志强",
  "晓东",
  "子轩",
  "浩然",
  "俊杰",
];
const GIVEN_FEMALE = [
  "芳",
  "娜",
  "敏",
  "静",
  "丽",
  "艳",
  "娟",
  "霞",
  "婷",
  "雪",
  "琳",
  "颖",
  "玥",
  "秀英",
  "桂英",
  "秀兰",
  "欣怡",
  "梓涵",
  "雨桐",
  "思琪",
  "婉婷",
];
const STREETS = ["人民路", "建设路", "解放路", "中山路", "文化路", "健康路", "花园路", "金水路", "和平大街", "友谊路"];
const ALLERGENS: readonly [string, string][] = [
  ["青霉素", "皮疹、瘙痒"],
  ["头孢类抗生素", "荨麻疹"],
  ["花生", "喉头水肿、呼吸困难"],
  ["海鲜", "腹痛、腹泻"],
  ["磺胺类药物", "药疹"],
];
const VACCINES = [
  "乙肝疫苗",
  "卡介苗",
  "脊灰疫苗",
  "百白破疫苗",
  "麻腮风疫苗",
  "流感疫苗",
  "新冠病毒疫苗",
  "狂犬病疫苗",
];

function surname(rnd: SeededRandom): string {
  // Compound surnames are the last three pairs of the table, drawn rarely.
  if (rnd.int(40) === 0) return rnd.pick(["欧阳", "司马", "诸葛"]);
  return SURNAMES[rnd.int(SURNAMES.length - 6)]!;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

function date(rnd: SeededRandom, fromYear: number, toYear: number): string {
  const y = fromYear + rnd.int(toYear - fromYear + 1);
  const m = 1 + rnd.int(12);
  const d = 1 + rnd.int(28);
  return `${y}${pad2(m)}${pad2(d)}`;
}

function phone(rnd: SeededRandom): string {
  return `1${rnd.pick(["3", "5", "8"])}${rnd.digits(9)}`;
}

export interface Person {
  name: string;
  sex: 1 | 2;
  ethnicity: string;
  birthDate: string;
  citizenId: string;
  phone: string;
  address: string;
  contactName: string;
  contactRelation: string;
  contactPhone: string;
  education: string;
  maritalStatus: string;
  occupation: string;
  healthRecordNumber: string;
  abo: number;
  rh: string;
  flags: number[];
  allergies: { substance: string; reaction: string }[];
  immunisations: { vaccine: string; date: string }[];
}

/**
 * A resident with a GB 11643 citizen ID (region code, birth date, sequence with the sex parity,
 * check character) and a name that fits 30 bytes of GBK (some names use GBK-only characters such
 * as 喆 or 堃, which GB 2312 lacks).
 */
export function makePerson(rnd: SeededRandom, regionCode: string): Person {
  const sex = (1 + rnd.int(2)) as 1 | 2;
  const given = rnd.pick(sex === 1 ? GIVEN_MALE : GIVEN_FEMALE);
  const name = surname(rnd) + given;
  const birthDate = date(rnd, 1940, 2020);
  const sequence = rnd.int(50) * 2 + (sex === 1 ? 1 : 0) + 100 * rnd.int(10);
  const citizenId = withCitizenIdCheckDigit(`${regionCode}${birthDate}${String(sequence).padStart(3, "0")}`);
  const names = regionNames(regionCode);
  const address = `${names.province}${names.city}${rnd.pick(STREETS)}${1 + rnd.int(300)}号${1 + rnd.int(20)}单元${101 + rnd.int(20)}室`;
  const allergies = Array.from({ length: rnd.int(3) }, () => {
    const [substance, reaction] = rnd.pick(ALLERGENS);
    return { substance, reaction };
  });
  const immunisations = Array.from({ length: rnd.int(5) }, () => ({
    vaccine: rnd.pick(VACCINES),
    date: date(rnd, Number(birthDate.slice(0, 4)), 2025),
  }));
  return {
    name,
    sex,
    ethnicity: rnd.int(10) === 0 ? rnd.pick(["03", "05", "08", "11"]) : "01",
    birthDate,
    citizenId,
    phone: phone(rnd),
    address,
    contactName: surname(rnd) + rnd.pick([...GIVEN_MALE, ...GIVEN_FEMALE]),
    contactRelation: rnd.pick(["1", "2", "3", "5", "7"]),
    contactPhone: phone(rnd),
    education: String(1 + rnd.int(9)),
    maritalStatus: String(1 + rnd.int(4)),
    occupation: rnd.pick(["1", "2", "3", "4", "5", "6", "7", "8"]),
    healthRecordNumber: `${regionCode}${rnd.digits(11)}`,
    abo: 1 + rnd.int(5),
    rh: rnd.int(20) === 0 ? "2" : "1",
    flags: Array.from({ length: 12 }, () => (rnd.int(12) === 0 ? 1 : 0)),
    allergies,
    immunisations,
  };
}
