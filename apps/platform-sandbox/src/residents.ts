import { gb11643CheckChar, seededRandom } from "@rhc/sync";

/** A demo resident as the platform's EMPI holds it. All text is GBK-representable. */
export interface Resident {
  empiId: string;
  idNo: string;
  name: string;
  gender: "male" | "female";
  birthDate: string;
  /** GB 3304 ethnicity code. */
  ethnicity: string;
  address: string;
  phone: string;
  /** Pre-issued demo card, for residents that already hold one (I1 works out of the box). */
  cardNo?: string;
}

/** County-level administrative division codes (GB/T 2260) with their names. */
const REGIONS: ReadonlyArray<[string, string]> = [
  ["110101", "北京市东城区"],
  ["110105", "北京市朝阳区"],
  ["120101", "天津市和平区"],
  ["310104", "上海市徐汇区"],
  ["310115", "上海市浦东新区"],
  ["320102", "江苏省南京市玄武区"],
  ["330106", "浙江省杭州市西湖区"],
  ["370102", "山东省济南市历下区"],
  ["410105", "河南省郑州市金水区"],
  ["420106", "湖北省武汉市武昌区"],
  ["430104", "湖南省长沙市岳麓区"],
  ["440106", "广东省广州市天河区"],
  ["440305", "广东省深圳市南山区"],
  ["510107", "四川省成都市武侯区"],
  ["610113", "陕西省西安市雁塔区"],
];
const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢".split("");
const GIVEN_MALE = [
  "伟",
  "强",
  "磊",
  "军",
  "勇",
  "杰",
  "涛",
  "明",
  "超",
  "刚",
  "建华",
  "志强",
  "晓东",
  "浩",
  "宇",
  "俊杰",
  "思远",
  "国庆",
  "振华",
  "文斌",
];
const GIVEN_FEMALE = [
  "芳",
  "娜",
  "秀英",
  "敏",
  "静",
  "丽",
  "艳",
  "娟",
  "秀兰",
  "霞",
  "桂英",
  "玉兰",
  "海燕",
  "雪",
  "婷",
  "欣怡",
  "子涵",
  "梓萱",
  "慧敏",
  "春梅",
];
/** GB 3304 codes, weighted towards 01 (汉族) as in the population. */
const ETHNICITIES = [
  "01",
  "01",
  "01",
  "01",
  "01",
  "01",
  "01",
  "01",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "08",
  "10",
  "11",
];
const STREETS = ["人民路", "解放路", "中山路", "建国路", "和平街", "文化路", "光明路", "长安街", "新华路", "胜利路"];
const PHONE_PREFIXES = ["135", "138", "139", "150", "151", "158", "186", "187", "188", "177"];

/**
 * Deterministic demo residents: the same seed gives the same people. ID numbers carry a valid
 * GB 11643 check character, an odd sequence code for men and an even one for women.
 */
export function generateResidents(count = 60, seed = 20240601): Resident[] {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd.next() * list.length)]!;
  const out: Resident[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const [region, regionName] = pick(REGIONS);
    const gender = rnd.next() < 0.5 ? "male" : "female";
    const year = 1940 + Math.floor(rnd.next() * 80);
    const month = 1 + Math.floor(rnd.next() * 12);
    const day = 1 + Math.floor(rnd.next() * 28);
    const birth = `${year}${String(month).padStart(2, "0")}${String(day).padStart(2, "0")}`;
    let order = Math.floor(rnd.next() * 500) * 2;
    if (gender === "male") order += 1;
    const first17 = `${region}${birth}${String(order).padStart(3, "0")}`;
    const idNo = first17 + gb11643CheckChar(first17);
    if (seen.has(idNo)) continue;
    seen.add(idNo);
    const n = out.length + 1;
    out.push({
      empiId: `EMPI${String(n).padStart(8, "0")}`,
      idNo,
      name: pick(SURNAMES) + pick(gender === "male" ? GIVEN_MALE : GIVEN_FEMALE),
      gender,
      birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
      ethnicity: pick(ETHNICITIES),
      address: `${regionName}${pick(STREETS)}${1 + Math.floor(rnd.next() * 300)}号`,
      phone: pick(PHONE_PREFIXES) + String(Math.floor(rnd.next() * 1e8)).padStart(8, "0"),
      ...(n <= 20 ? { cardNo: `HC${region}${String(n).padStart(8, "0")}` } : {}),
    });
  }
  return out;
}
