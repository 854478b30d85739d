import type { DfName } from "./files.js";

/** The user-card key inventory of spec §4.1 (revised Table 10-2 of S1). */
export type KeyName =
  | "IRKDDF1"
  | "STKMF"
  | "STKDDF1"
  | "STKDF01"
  | "STKDF02"
  | "STKDF03"
  | "BKMF"
  | "LKDF01"
  | "LKDF02"
  | "LKDF03"
  | "UK1DDF1"
  | "UK1DF01"
  | "UK1DF02"
  | "UK2DF02"
  | "UK3DF02"
  | "UK1DF03"
  | "UK2DF03"
  | "RK1DDF1"
  | "RK1DF01"
  | "RK1DF02"
  | "RK1DF03";

export type KeyClass = "internal-auth" | "maintenance" | "lock" | "update" | "erase" | "read";

export interface CardKeyDef {
  readonly name: KeyName;
  readonly class: KeyClass;
  /** The DF whose key file holds the key ("MF" for the card-level keys). */
  readonly df: DfName | "MF";
  readonly zh: string;
}

const CLASS_ZH: Readonly<Record<KeyClass, string>> = {
  "internal-auth": "内部认证密钥",
  maintenance: "应用维护密钥",
  lock: "卡片或应用锁定控制密钥",
  update: "应用数据更新密钥",
  erase: "应用数据擦除密钥",
  read: "应用数据读取密钥",
};

function key(name: KeyName, cls: KeyClass, df: DfName | "MF"): CardKeyDef {
  return { name, class: cls, df, zh: CLASS_ZH[cls] };
}

export const CARD_KEYS: Readonly<Record<KeyName, CardKeyDef>> = {
  IRKDDF1: key("IRKDDF1", "internal-auth", "DDF1"),
  STKMF: key("STKMF", "maintenance", "MF"),
  STKDDF1: key("STKDDF1", "maintenance", "DDF1"),
  STKDF01: key("STKDF01", "maintenance", "DF01"),
  STKDF02: key("STKDF02", "maintenance", "DF02"),
  STKDF03: key("STKDF03", "maintenance", "DF03"),
  BKMF: key("BKMF", "lock", "MF"),
  LKDF01: key("LKDF01", "lock", "DF01"),
  LKDF02: key("LKDF02", "lock", "DF02"),
  LKDF03: key("LKDF03", "lock", "DF03"),
  UK1DDF1: key("UK1DDF1", "update", "DDF1"),
  UK1DF01: key("UK1DF01", "update", "DF01"),
  UK1DF02: key("UK1DF02", "update", "DF02"),
  UK2DF02: key("UK2DF02", "update", "DF02"),
  UK3DF02: key("UK3DF02", "update", "DF02"),
  UK1DF03: key("UK1DF03", "update", "DF03"),
  UK2DF03: key("UK2DF03", "erase", "DF03"),
  RK1DDF1: key("RK1DDF1", "read", "DDF1"),
  RK1DF01: key("RK1DF01", "read", "DF01"),
  RK1DF02: key("RK1DF02", "read", "DF02"),
  RK1DF03: key("RK1DF03", "read", "DF03"),
};

/**
 * Key references on the user card (spec §4.2): P2 of EXTERNAL AUTHENTICATE for RK/UK keys [C];
 * IRK = P2 of INTERNAL AUTHENTICATE, STK and LK/BK = key numbers [P]. Bit 8 set = key file of the
 * currently selected DF.
 */
export const CARD_KEY_REFERENCES: Readonly<Record<KeyName, number>> = {
  RK1DDF1: 0x04,
  RK1DF01: 0x84,
  RK1DF02: 0x84,
  RK1DF03: 0x84,
  UK1DDF1: 0x05,
  UK1DF01: 0x85,
  UK1DF02: 0x85,
  UK1DF03: 0x85,
  UK2DF02: 0x86,
  UK2DF03: 0x86,
  UK3DF02: 0x87,
  IRKDDF1: 0x01,
  STKMF: 0x02,
  STKDDF1: 0x02,
  STKDF01: 0x02,
  STKDF02: 0x02,
  STKDF03: 0x02,
  BKMF: 0x03,
  LKDF01: 0x03,
  LKDF02: 0x03,
  LKDF03: 0x03,
};

/** Keys the terminal can use through the SAM (spec §4.3). */
export type SamKeyName = Exclude<KeyName, "STKMF" | "BKMF" | "LKDF01" | "LKDF02" | "LKDF03">;

export interface SamKeyDef {
  /** P1 of `80 DE`: high 3 bits = diversification levels, low 5 bits = key type. */
  readonly usage: number;
  /** P2 of `80 DE`: the master key's index in the SAM. */
  readonly index: number;
  /** 1: factor cardF; 2: cardF ‖ cityF. */
  readonly levels: 1 | 2;
  /** 7 = encryption/authentication key, 8 = MAC + encryption key [I] (R1). */
  readonly keyType: number;
  /** [P] for IRKDDF1; everything else observed in vendor code [C]. */
  readonly projectChoice?: true;
}

function sam(usage: number, index: number, projectChoice = false): SamKeyDef {
  const levels = usage >> 5;
  if (levels !== 1 && levels !== 2) throw new RangeError(`key usage ${usage.toString(16)} has ${levels} levels`);
  return { usage, index, levels, keyType: usage & 0x1f, ...(projectChoice ? { projectChoice: true as const } : {}) };
}

/** The SAM key map of spec §4.3: which `80 DE` usage/index derives each card key. */
export const SAM_KEYS: Readonly<Record<SamKeyName, SamKeyDef>> = {
  RK1DDF1: sam(0x47, 0x31),
  RK1DF01: sam(0x47, 0x32),
  RK1DF02: sam(0x47, 0x33),
  RK1DF03: sam(0x47, 0x34),
  UK1DDF1: sam(0x27, 0x2a),
  UK1DF01: sam(0x27, 0x2b),
  UK1DF02: sam(0x47, 0x2c),
  UK2DF02: sam(0x47, 0x2d),
  UK3DF02: sam(0x47, 0x2e),
  UK1DF03: sam(0x47, 0x2f),
  UK2DF03: sam(0x27, 0x30),
  STKDDF1: sam(0x28, 0x02),
  STKDF01: sam(0x28, 0x03),
  STKDF02: sam(0x48, 0x04),
  STKDF03: sam(0x48, 0x05),
  IRKDDF1: sam(0x47, 0x35, true),
};

/** The secure-messaging (maintenance) key of each DF. */
export const STK_OF_DF: Readonly<Record<DfName, SamKeyName>> = {
  DDF1: "STKDDF1",
  DF01: "STKDF01",
  DF02: "STKDF02",
  DF03: "STKDF03",
};

/**
 * The constant P (8 bytes) vendor code sends with read-key EXTERNAL AUTHENTICATE; update keys use
 * the first of two challenges instead (spec §4.4, §6.3/§6.4).
 */
export const READ_AUTH_P = Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);

/** Trailing byte of EXTERNAL AUTHENTICATE data, always 01 in observed code (spec §4.4). */
export const EXTERNAL_AUTH_TRAILER = 0x01;
