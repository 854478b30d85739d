import { type ErrorCode, RhcError } from "@rhc/errors";
import { swHex } from "./response.js";

/**
 * Status words used by the health card, its SAM and the staff card (ISO 7816-4 and the PBOC set
 * Chinese COSes follow; spec reference §5.4). `XX` in a pattern matches any SW2; for 61XX, 63CX
 * and 6CXX the low bits carry a count, decoded by `describeSw`.
 */
export interface StatusWordEntry {
  readonly pattern: string;
  readonly en: string;
  readonly zh: string;
  /** The error a session raises when a card answers this unexpectedly; absent for success/warnings. */
  readonly code?: ErrorCode;
}

export const STATUS_WORDS: readonly StatusWordEntry[] = [
  { pattern: "9000", en: "success", zh: "成功" },
  { pattern: "61XX", en: "more data available (GET RESPONSE)", zh: "还有数据可取" },
  { pattern: "6281", en: "returned data may be corrupted", zh: "返回数据可能有误", code: "CARD_STATUS" },
  { pattern: "6282", en: "end of file reached before Le bytes", zh: "读到文件末尾" },
  { pattern: "6283", en: "selected file invalidated", zh: "所选文件已失效", code: "APP_BLOCKED" },
  { pattern: "63CX", en: "verification failed", zh: "校验失败", code: "AUTH_FAILED" },
  { pattern: "6400", en: "execution error, state unchanged", zh: "执行出错，状态未改变", code: "CARD_STATUS" },
  { pattern: "6581", en: "memory failure", zh: "存储器故障", code: "CARD_STATUS" },
  { pattern: "6700", en: "wrong length", zh: "长度错误", code: "CARD_STATUS" },
  { pattern: "6881", en: "logical channel not supported", zh: "不支持逻辑通道", code: "CARD_STATUS" },
  { pattern: "6882", en: "secure messaging not supported", zh: "不支持安全报文", code: "CARD_STATUS" },
  { pattern: "6981", en: "command incompatible with file structure", zh: "命令与文件结构不相容", code: "CARD_STATUS" },
  { pattern: "6982", en: "security status not satisfied", zh: "安全状态不满足", code: "SECURITY_STATUS" },
  { pattern: "6983", en: "authentication method blocked", zh: "认证方法锁定", code: "AUTH_BLOCKED" },
  {
    pattern: "6984",
    en: "referenced data invalidated (no challenge)",
    zh: "引用数据无效（无随机数）",
    code: "SECURITY_STATUS",
  },
  { pattern: "6985", en: "conditions of use not satisfied", zh: "使用条件不满足", code: "CARD_STATUS" },
  { pattern: "6986", en: "command not allowed (no current EF)", zh: "不允许的命令（无当前文件）", code: "CARD_STATUS" },
  {
    pattern: "6987",
    en: "expected secure-messaging data objects missing",
    zh: "安全报文数据项丢失",
    code: "SECURITY_STATUS",
  },
  {
    pattern: "6988",
    en: "incorrect secure-messaging data objects (MAC)",
    zh: "安全报文数据项不正确（MAC 错误）",
    code: "SECURITY_STATUS",
  },
  { pattern: "6A80", en: "incorrect data field", zh: "数据域参数不正确", code: "CARD_STATUS" },
  { pattern: "6A81", en: "function not supported (blocked)", zh: "功能不支持（已锁定）", code: "APP_BLOCKED" },
  { pattern: "6A82", en: "file not found", zh: "未找到文件", code: "FILE_NOT_FOUND" },
  { pattern: "6A83", en: "record not found", zh: "未找到记录", code: "RECORD_NOT_FOUND" },
  { pattern: "6A84", en: "not enough memory in the file", zh: "文件空间不足", code: "CARD_FULL" },
  { pattern: "6A86", en: "incorrect P1/P2", zh: "参数 P1/P2 不正确", code: "CARD_STATUS" },
  { pattern: "6A88", en: "referenced data not found (key)", zh: "未找到引用数据（密钥）", code: "CARD_STATUS" },
  {
    pattern: "6B00",
    en: "wrong parameters (offset outside the file)",
    zh: "参数错误（偏移量超出文件）",
    code: "CARD_STATUS",
  },
  { pattern: "6CXX", en: "wrong Le; resend with the exact length", zh: "Le 错误，应使用正确长度重发" },
  { pattern: "6D00", en: "instruction not supported", zh: "不支持的指令", code: "CARD_STATUS" },
  { pattern: "6E00", en: "class not supported", zh: "不支持的类别", code: "CARD_STATUS" },
  { pattern: "6F00", en: "no precise diagnosis", zh: "无精确诊断", code: "CARD_STATUS" },
  { pattern: "9303", en: "application permanently blocked", zh: "应用已永久锁定", code: "APP_BLOCKED" },
];

function matches(pattern: string, sw: number): boolean {
  const hex = swHex(sw);
  if (pattern.endsWith("XX")) return hex.startsWith(pattern.slice(0, 2));
  if (pattern.endsWith("X")) return hex.startsWith(pattern.slice(0, 3));
  return hex === pattern;
}

export function lookupSw(sw: number): StatusWordEntry | undefined {
  return STATUS_WORDS.find((entry) => matches(entry.pattern, sw));
}

/** A readable meaning, with counts decoded: "63C2" → "verification failed, 2 tries left". */
export function describeSw(sw: number): { en: string; zh: string } {
  const entry = lookupSw(sw);
  if (!entry) return { en: `unknown status word ${swHex(sw)}`, zh: `未知状态字 ${swHex(sw)}` };
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) {
    const n = sw2 & 0x0f;
    return { en: `${entry.en}, ${n} tries left`, zh: `${entry.zh}，还可尝试 ${n} 次` };
  }
  if (sw1 === 0x61 || sw1 === 0x6c) {
    const n = sw2 === 0 ? 256 : sw2;
    return { en: `${entry.en} (${n} bytes)`, zh: `${entry.zh}（${n} 字节）` };
  }
  return { en: entry.en, zh: entry.zh };
}

/** Tries left encoded in 63CX, or undefined for any other status word. */
export function triesLeft(sw: number): number | undefined {
  return (sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined;
}

/** The typed error for an unexpected status word; `context` names the command for the operator. */
export function swError(sw: number, context: string): RhcError {
  const entry = lookupSw(sw);
  const { en } = describeSw(sw);
  const tries = triesLeft(sw);
  return new RhcError(entry?.code ?? "CARD_STATUS", {
    sw,
    detail: `${context}: ${swHex(sw)} ${en}`,
    ...(tries !== undefined ? { data: { triesLeft: tries } } : {}),
  });
}
