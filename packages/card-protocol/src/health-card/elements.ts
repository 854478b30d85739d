import { RhcError } from "@rhc/errors";
import type { CodeList, FieldFormat, FieldKind, FieldSpec, FieldValue } from "../codec/field.js";
import type { TlvRecordSpec } from "../codec/tlv-record.js";
import { type FileId, fileDef } from "./files.js";

/** A numbered data element of spec §3.2: its TLV tag is its number, it lives in one TLV record. */
export interface ElementDef extends FieldSpec {
  /** Element number 1..57 = TLV tag. */
  readonly no: number;
  readonly file: FileId;
  /** Record number inside the file (READ RECORD P1 with P2=04). */
  readonly record: number;
}

// Code lists: [S] S1 App.A unless noted.
const SEX: CodeList = { "0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别" }; // GB/T 2261.1
const PAYMENT: CodeList = {
  "1": "职工医保",
  "2": "居民医保",
  "3": "新农合",
  "4": "贫困救助",
  "5": "商业保险",
  "6": "全公费",
  "7": "全自费",
  "8": "其他",
};
/** [P] address types (spec §3.2 no. 21). */
const ADDRESS_TYPE: CodeList = { "1": "户籍地址", "2": "现住地址" };
/** [I] GB/T 4658 top-level codes; App.A shows 1 研究生 … 9 文盲及半文盲. */
const EDUCATION: CodeList = {
  "1": "研究生",
  "2": "大学本科",
  "3": "大学专科和专科学校",
  "4": "中等专业学校",
  "5": "技工学校",
  "6": "高中",
  "7": "初中",
  "8": "小学",
  "9": "文盲或半文盲",
};
/** App.A 1–5 and GB/T 2261.2 10/20/30/40/90: both sets accepted (spec §10 #14). */
const MARITAL: CodeList = {
  "1": "未婚",
  "2": "已婚",
  "3": "丧偶",
  "4": "离婚",
  "5": "其他",
  "10": "未婚",
  "20": "已婚",
  "30": "丧偶",
  "40": "离婚",
  "90": "未说明的婚姻状况",
};
/** [I] WS 364 CV02.01.101. */
const ID_DOCUMENT: CodeList = {
  "01": "居民身份证",
  "02": "居民户口簿",
  "03": "护照",
  "04": "军官证",
  "05": "驾驶证",
  "06": "港澳居民来往内地通行证",
  "07": "台湾居民来往内地通行证",
  "99": "其他法定有效证件",
};
const ABO: CodeList = { "1": "A型", "2": "B型", "3": "O型", "4": "AB型", "5": "不详" };
const RH: CodeList = { "1": "否", "2": "是", "3": "不详" };
/** GB 3304 ethnic group codes. */
const ETHNICITY: CodeList = Object.fromEntries(
  [
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族",
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族",
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族",
    "塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族",
  ]
    .join(" ")
    .split(" ")
    .map((name, i) => [String(i + 1).padStart(2, "0"), name] as const)
    .concat([
      ["97", "其他未识别民族"],
      ["98", "外国血统中国籍人士"],
    ]),
);

type Row = readonly [
  no: number,
  key: string,
  zh: string,
  en: string,
  format: FieldFormat,
  length: number,
  kind: FieldKind,
  file: FileId,
  record: number,
  extra?: Partial<Pick<FieldSpec, "codes" | "check" | "exactDigits">>,
];

// biome-ignore format: one element per line reads like the spec table
const ROWS = [
  [1, "cardCategory", "卡的类别", "card category", "ans", 1, "text", "DDF1/EF05", 1],
  [2, "specVersion", "规范版本", "spec version", "ans", 4, "text", "DDF1/EF05", 2],
  [3, "issuerName", "发卡机构名称", "issuer name", "ans", 30, "text", "DDF1/EF05", 3],
  [4, "issuerCode", "发卡机构代码", "issuer code", "cn", 11, "digits", "DDF1/EF05", 4],
  [5, "issuerCertificate", "发卡机构证书", "issuer certificate", "b", 180, "bytes", "DDF1/EF05", 5],
  [6, "issueDate", "发卡时间", "issue date", "cn", 4, "date", "DDF1/EF05", 6],
  [7, "expiryDate", "卡有效期", "card expiry", "cn", 4, "date", "DDF1/EF08", 1],
  [8, "cardNumber", "卡号", "card number", "ans", 18, "text", "DDF1/EF05", 7],
  [9, "securityCode", "安全码", "security code", "ans", 3, "text", "DDF1/EF05", 8],
  [10, "issueSerial", "发卡序列号", "card issue serial number", "ans", 10, "text", "DDF1/EF05", 9],
  [11, "name", "姓名", "name", "ans", 30, "text", "DDF1/EF06", 1],
  [12, "sex", "性别", "sex", "b", 1, "byte", "DDF1/EF06", 2, { codes: SEX }],
  [13, "ethnicity", "民族代码", "ethnicity", "cn", 1, "digits", "DDF1/EF06", 3, { codes: ETHNICITY }],
  [14, "birthDate", "出生日期", "birth date", "cn", 4, "date", "DDF1/EF06", 4],
  [15, "citizenId", "居民身份证号码", "citizen ID number", "ans", 18, "text", "DDF1/EF06", 5, { check: "gb11643" }],
  [16, "phone1", "本人电话1", "phone 1", "ans", 20, "text", "DDF1/EF08", 2],
  [17, "phone2", "本人电话2", "phone 2", "ans", 20, "text", "DDF1/EF08", 3],
  [18, "paymentMethod1", "医疗费用支付方式1", "payment method 1", "cn", 1, "digits", "DDF1/EF08", 4, { codes: PAYMENT }],
  [19, "paymentMethod2", "医疗费用支付方式2", "payment method 2", "cn", 1, "digits", "DDF1/EF08", 5, { codes: PAYMENT }],
  [20, "paymentMethod3", "医疗费用支付方式3", "payment method 3", "cn", 1, "digits", "DDF1/EF08", 6, { codes: PAYMENT }],
  [21, "addressType1", "地址类别1", "address type 1", "cn", 1, "digits", "DF01/EF05", 1, { codes: ADDRESS_TYPE }],
  [22, "address1", "地址1", "address 1", "ans", 100, "text", "DF01/EF05", 2],
  [23, "addressType2", "地址类别2", "address type 2", "cn", 1, "digits", "DF01/EF05", 3, { codes: ADDRESS_TYPE }],
  [24, "address2", "地址2", "address 2", "ans", 100, "text", "DF01/EF05", 4],
  [25, "contact1Name", "联系人姓名1", "contact 1 name", "ans", 30, "text", "DF01/EF06", 1],
  [26, "contact1Relation", "联系人关系1", "contact 1 relation", "cn", 1, "digits", "DF01/EF06", 2],
  [27, "contact1Phone", "联系人电话1", "contact 1 phone", "ans", 20, "text", "DF01/EF06", 3],
  [28, "contact2Name", "联系人姓名2", "contact 2 name", "ans", 30, "text", "DF01/EF06", 4],
  [29, "contact2Relation", "联系人关系2", "contact 2 relation", "cn", 1, "digits", "DF01/EF06", 5],
  [30, "contact2Phone", "联系人电话2", "contact 2 phone", "ans", 20, "text", "DF01/EF06", 6],
  [31, "contact3Name", "联系人姓名3", "contact 3 name", "ans", 30, "text", "DF01/EF06", 7],
  [32, "contact3Relation", "联系人关系3", "contact 3 relation", "cn", 1, "digits", "DF01/EF06", 8],
  [33, "contact3Phone", "联系人电话3", "contact 3 phone", "ans", 20, "text", "DF01/EF06", 9],
  [34, "education", "文化程度代码", "education", "cn", 1, "digits", "DF01/EF07", 1, { codes: EDUCATION }],
  [35, "maritalStatus", "婚姻状况代码", "marital status", "cn", 1, "digits", "DF01/EF07", 2, { codes: MARITAL }],
  [36, "occupation", "职业代码", "occupation", "ans", 3, "text", "DF01/EF07", 3],
  [37, "idDocumentType", "证件类别", "ID document type", "cn", 1, "digits", "DF01/EF08", 1, { codes: ID_DOCUMENT }],
  [38, "idDocumentNumber", "证件号码", "ID document number", "ans", 18, "text", "DF01/EF08", 2],
  [39, "healthRecordNumber", "健康档案编号", "health-record number", "ans", 17, "text", "DF01/EF08", 3],
  [40, "ruralInsuranceNumber", "新农合证(卡)号", "rural co-op insurance number", "ans", 18, "text", "DF01/EF08", 4],
  [41, "aboBloodGroup", "ABO血型代码", "ABO blood group", "b", 1, "byte", "DF02/EF05", 1, { codes: ABO }],
  [42, "rhNegative", "RH血型代码", "Rh negative", "cn", 1, "digits", "DF02/EF05", 2, { codes: RH }],
  [43, "asthma", "哮喘标志", "asthma", "b", 1, "flag", "DF02/EF05", 3],
  [44, "heartDisease", "心脏病标志", "heart disease", "b", 1, "flag", "DF02/EF05", 4],
  [45, "cardioCerebrovascular", "心脑血管病标志", "cardio-/cerebrovascular disease", "b", 1, "flag", "DF02/EF05", 5],
  [46, "epilepsy", "癫痫病标志", "epilepsy", "b", 1, "flag", "DF02/EF05", 6],
  [47, "coagulationDisorder", "凝血紊乱标志", "coagulation disorder", "b", 1, "flag", "DF02/EF05", 7],
  [48, "diabetes", "糖尿病标志", "diabetes", "b", 1, "flag", "DF02/EF05", 8],
  [49, "glaucoma", "青光眼标志", "glaucoma", "b", 1, "flag", "DF02/EF05", 9],
  [50, "dialysis", "透析标志", "dialysis", "b", 1, "flag", "DF02/EF05", 10],
  [51, "organTransplant", "器官移植标志", "organ transplant", "b", 1, "flag", "DF02/EF05", 11],
  [52, "missingOrgan", "器官缺失标志", "missing organ", "b", 1, "flag", "DF02/EF05", 12],
  [53, "removableProsthesis", "可装卸的义肢标志", "removable prosthesis", "b", 1, "flag", "DF02/EF05", 13],
  [54, "pacemaker", "心脏起搏器标志", "pacemaker", "b", 1, "flag", "DF02/EF05", 14],
  [55, "otherMedicalAlert", "其他医学警示名称", "other medical alert", "ans", 40, "text", "DF02/EF05", 15],
  [56, "psychiatric", "精神病标志", "psychiatric flag", "b", 1, "flag", "DF02/EF06", 1],
  [57, "cityCode", "应用城市代码", "application city code", "cn", 3, "digits", "DDF1/EF05", 10, { exactDigits: 6 }],
] as const satisfies readonly Row[];

type ElementRow = (typeof ROWS)[number];

/** Every element key, e.g. "name", "citizenId", "cityCode". */
export type ElementKey = ElementRow[1];

/** The decoded value type of element K. */
export type ElementValue<K extends ElementKey> = FieldValue<Extract<ElementRow, readonly [number, K, ...unknown[]]>[6]>;

/** All 57 numbered data elements of spec §3.2, in element-number order. */
export const ELEMENTS: readonly ElementDef[] = ROWS.map((row: Row) => {
  const [no, key, zh, en, format, length, kind, file, record, extra] = row;
  return { no, key, zh, en, format, length, kind, file, record, ...extra };
});

const BY_KEY = new Map(ELEMENTS.map((e) => [e.key, e]));

export function elementDef(key: ElementKey): ElementDef {
  const def = BY_KEY.get(key);
  if (!def) throw new RhcError("INVALID_INPUT", { detail: `no data element "${key}"` });
  return def;
}

export function elementByNumber(no: number): ElementDef | undefined {
  return ELEMENTS[no - 1];
}

/** The elements stored in a TLV record file, in record order. */
export function elementsOf(file: FileId): ElementDef[] {
  if (fileDef(file).structure !== "tlv-records") {
    throw new RhcError("INVALID_INPUT", { detail: `${file} is not a TLV record file` });
  }
  return ELEMENTS.filter((e) => e.file === file).sort((a, b) => a.record - b.record);
}

/** The TLV record spec (tag, value length, field) of an element. */
export function tlvSpec(element: ElementDef): TlvRecordSpec {
  return { tag: element.no, length: element.length, field: element };
}

/** Typed values of the elements of one TLV file. */
export type FileElements<F extends FileId> = {
  -readonly [R in ElementRow as R[7] extends F ? R[1] : never]: FieldValue<R[6]>;
};
