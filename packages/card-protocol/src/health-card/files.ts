import { RhcError } from "@rhc/errors";
import type { KeyName } from "./keys.js";

/** The dedicated files of the health environment (spec §2.1). */
export type DfName = "DDF1" | "DF01" | "DF02" | "DF03";

export interface DfDef {
  readonly name: DfName;
  readonly fid: number;
  /** DDF1: the name "WS.SYS.DDF01"; DF01–DF03: the 6-byte AIDs of spec App.B. As hex. */
  readonly aid: string;
  readonly zh: string;
  readonly en: string;
  /** The DF this one lives in ("MF" for DDF1). */
  readonly parent: "MF" | "DDF1";
}

export const MF_FID = 0x3f00;

export const DFS: Readonly<Record<DfName, DfDef>> = {
  DDF1: {
    name: "DDF1",
    fid: 0xddf1,
    aid: "57532E5359532E4444463031", // ASCII "WS.SYS.DDF01"
    zh: "居民健康卡应用系统环境",
    en: "health card environment (card identification)",
    parent: "MF",
  },
  DF01: {
    name: "DF01",
    fid: 0xdf01,
    aid: "915600013200",
    zh: "身份识别应用",
    en: "identity application",
    parent: "DDF1",
  },
  DF02: {
    name: "DF02",
    fid: 0xdf02,
    aid: "915600013201",
    zh: "基础健康信息应用",
    en: "basic health application",
    parent: "DDF1",
  },
  DF03: {
    name: "DF03",
    fid: 0xdf03,
    aid: "915600013202",
    zh: "管理业务应用",
    en: "management application",
    parent: "DDF1",
  },
};

/**
 * File structures (spec §2.2/§2.3): TLV records (linear variable, one `T L V` element per record),
 * transparent (binary), linear fixed and cyclic (fixed-length records; cyclic writes overwrite
 * the oldest record, which becomes record 1).
 */
export type FileStructure = "tlv-records" | "transparent" | "linear-fixed" | "cyclic";

/** Protection of a write command (spec §4.5): none, MAC only (CLA 84), ciphertext + MAC (CLA 04). */
export type SmMode = "plain" | "mac" | "enc+mac";

/**
 * SM per card mode. `strict` is what a spec-strict card demands (S1's list, spec §4.5/§10 #8–#10)
 * and what the middleware sends by default; `lenient` is the minimum a vendor-compatible card
 * accepts (C1 wrote allergy/immunisation in plain, index flags without MAC). Every card also
 * accepts a stronger protection than its minimum.
 */
export interface SmRule {
  readonly strict: SmMode;
  readonly lenient: SmMode;
}

export interface AccessRule {
  readonly key: KeyName;
  readonly sm: SmRule;
}

export type FileId =
  | "DDF1/EF05"
  | "DDF1/EF06"
  | "DDF1/EF07"
  | "DDF1/EF08"
  | "DF01/EF05"
  | "DF01/EF06"
  | "DF01/EF07"
  | "DF01/EF08"
  | "DF02/EF05"
  | "DF02/EF06"
  | "DF02/EF07"
  | "DF02/EF08"
  | "DF03/EF05"
  | "DF03/EF06"
  | "DF03/EE01"
  | "DF03/EE02"
  | "DF03/EE03"
  | "DF03/ED01"
  | "DF03/ED02"
  | "DF03/ED03"
  | "DF03/ED04"
  | "DF03/ED05";

export interface FileDef {
  readonly id: FileId;
  readonly df: DfName;
  readonly fid: number;
  readonly zh: string;
  readonly en: string;
  readonly structure: FileStructure;
  /** Transparent files: size in bytes. */
  readonly size?: number;
  /** Record files: number of records. */
  readonly records?: number;
  /** Linear-fixed and cyclic files: record length (TLV records: 2 + the element's length each). */
  readonly recordLength?: number;
  /** Key whose EXTERNAL AUTHENTICATE grants reading; "free" needs none. */
  readonly read: KeyName | "free";
  /** UPDATE (and for index files WRITE RECORD = mark valid). */
  readonly update: AccessRule;
  /** ERASE RECORD (index files: mark invalid). */
  readonly erase?: AccessRule;
  /** DDF1 EF05/EF06 are write-protected once the card is issued ("禁止改写", S1 item 23). */
  readonly writableAfterIssuance: boolean;
}

const plain: SmRule = { strict: "plain", lenient: "plain" };
const encMac: SmRule = { strict: "enc+mac", lenient: "enc+mac" };

function tlv(
  df: DfName,
  fid: number,
  records: number,
  zh: string,
  en: string,
  read: KeyName | "free",
  update: AccessRule,
  writableAfterIssuance = true,
): FileDef {
  const id = `${df}/${fid.toString(16).toUpperCase()}` as FileId;
  return { id, df, fid, zh, en, structure: "tlv-records", records, read, update, writableAfterIssuance };
}

function visit(kind: "EE" | "ED", n: number): FileDef {
  const inpatient = kind === "EE";
  return {
    id: `DF03/${kind}0${n}` as FileId,
    df: "DF03",
    fid: (inpatient ? 0xee00 : 0xed00) + n,
    zh: inpatient ? `住院信息 ${n}` : `门诊信息 ${n}`,
    en: inpatient ? `inpatient record ${n}` : `outpatient record ${n}`,
    structure: "transparent",
    size: inpatient ? 1893 : 3267,
    read: "RK1DF03",
    update: { key: "UK1DF03", sm: plain },
    writableAfterIssuance: true,
  };
}

/** The file map of spec §2.2, in card order. */
export const FILES: readonly FileDef[] = [
  tlv("DDF1", 0xef05, 10, "发卡机构基本数据", "issuer data", "free", { key: "UK1DDF1", sm: plain }, false),
  tlv("DDF1", 0xef06, 5, "持卡人基本信息", "holder identity", "RK1DDF1", { key: "UK1DDF1", sm: plain }, false),
  {
    id: "DDF1/EF07",
    df: "DDF1",
    fid: 0xef07,
    zh: "照片",
    en: "photo",
    structure: "transparent",
    size: 3074,
    read: "RK1DDF1",
    update: { key: "UK1DDF1", sm: plain },
    writableAfterIssuance: true,
  },
  tlv("DDF1", 0xef08, 6, "有效期、电话、支付方式", "expiry, phones, payment", "RK1DDF1", {
    key: "UK1DDF1",
    sm: plain,
  }),
  tlv("DF01", 0xef05, 4, "地址信息", "addresses", "RK1DF01", { key: "UK1DF01", sm: encMac }),
  tlv("DF01", 0xef06, 9, "联系人信息", "contacts", "RK1DF01", { key: "UK1DF01", sm: encMac }),
  tlv("DF01", 0xef07, 3, "职业婚姻信息", "education, marriage, occupation", "RK1DF01", {
    key: "UK1DF01",
    sm: encMac,
  }),
  tlv("DF01", 0xef08, 4, "证件记录信息", "identity documents", "RK1DF01", { key: "UK1DF01", sm: encMac }),
  tlv("DF02", 0xef05, 15, "临床基本数据", "clinical data and medical alerts", "RK1DF02", {
    key: "UK1DF02",
    sm: encMac,
  }),
  tlv("DF02", 0xef06, 1, "特殊信息数据", "special information", "RK1DF02", { key: "UK2DF02", sm: encMac }),
  {
    id: "DF02/EF07",
    df: "DF02",
    fid: 0xef07,
    zh: "过敏基本数据",
    en: "allergies",
    structure: "cyclic",
    records: 3,
    recordLength: 120,
    read: "RK1DF02",
    update: { key: "UK3DF02", sm: { strict: "enc+mac", lenient: "plain" } },
    writableAfterIssuance: true,
  },
  {
    id: "DF02/EF08",
    df: "DF02",
    fid: 0xef08,
    zh: "免疫基本数据",
    en: "immunisations",
    structure: "cyclic",
    records: 10,
    recordLength: 24,
    read: "RK1DF02",
    update: { key: "UK3DF02", sm: { strict: "enc+mac", lenient: "plain" } },
    writableAfterIssuance: true,
  },
  ...(["EF05", "EF06"] as const).map(
    (ef): FileDef => ({
      id: `DF03/${ef}`,
      df: "DF03",
      fid: ef === "EF05" ? 0xef05 : 0xef06,
      zh: ef === "EF05" ? "住院信息索引" : "门诊信息索引",
      en: ef === "EF05" ? "inpatient index" : "outpatient index",
      structure: "linear-fixed",
      records: ef === "EF05" ? 3 : 5,
      recordLength: 1,
      read: "RK1DF03",
      update: { key: "UK1DF03", sm: { strict: "mac", lenient: "plain" } },
      erase: { key: "UK2DF03", sm: { strict: "mac", lenient: "plain" } },
      writableAfterIssuance: true,
    }),
  ),
  ...[1, 2, 3].map((n) => visit("EE", n)),
  ...[1, 2, 3, 4, 5].map((n) => visit("ED", n)),
];

const BY_ID = new Map(FILES.map((f) => [f.id, f]));

export function fileDef(id: FileId): FileDef {
  const def = BY_ID.get(id);
  if (!def) throw new RhcError("INVALID_INPUT", { detail: `no file ${id} in the health card file map` });
  return def;
}

/** The file path from MF as FIDs: DDF1 files are [DDF1, EF], DF0x files [DDF1, DF0x, EF]. */
export function filePath(id: FileId): number[] {
  const def = fileDef(id);
  const df = DFS[def.df];
  return df.parent === "MF" ? [df.fid, def.fid] : [DFS.DDF1.fid, df.fid, def.fid];
}

/** The inpatient (EE) and outpatient (ED) record files and their index files. */
export const VISIT_SLOTS = {
  inpatient: { index: "DF03/EF05", files: ["DF03/EE01", "DF03/EE02", "DF03/EE03"] },
  outpatient: { index: "DF03/EF06", files: ["DF03/ED01", "DF03/ED02", "DF03/ED03", "DF03/ED04", "DF03/ED05"] },
} as const satisfies Record<string, { index: FileId; files: readonly FileId[] }>;
