import { encodeCommand } from "../apdu/command.js";
import { fromHex, toHex } from "../util/hex.js";
import { parseAtr } from "./atr.js";

/** What the monitor tells apps about a card. */
export type CardKind = "resident" | "sam" | "staff" | "unknown";

/**
 * One recognition rule (data, not code): an ATR pattern in hex where `..` matches any byte and a
 * trailing `*` any rest, or a prefix of the historical bytes (hex). The first matching rule wins.
 */
export interface AtrRule {
  readonly kind: Exclude<CardKind, "unknown">;
  readonly atr?: string;
  readonly historicalPrefix?: string;
  readonly note?: string;
}

const ascii = (text: string) => Buffer.from(text, "ascii").toString("hex").toUpperCase();

/**
 * Default rules [P]: the health-card contact ATR of spec §5.1 (T=0, TB1 = TC1 = 00, category 57 +
 * cardF) and the project's SAM and staff-card historical bytes. Deployments add their vendors'
 * ATRs through configuration; unknown ATRs fall back to probing the card's applications.
 */
export const DEFAULT_ATR_RULES: readonly AtrRule[] = [
  { kind: "resident", atr: "3B69000057................", note: "spec §5.1 contact ATR" },
  { kind: "sam", historicalPrefix: ascii("RHC-PSAM"), note: "project desk PSAM" },
  { kind: "sam", historicalPrefix: ascii("RHC-ISAM"), note: "project issuer ISAM" },
  { kind: "staff", historicalPrefix: ascii("RHC-STAFF"), note: "project staff CA card" },
];

function matchesPattern(pattern: string, atr: string): boolean {
  const clean = pattern.replace(/\s/g, "").toUpperCase();
  const open = clean.endsWith("*");
  const body = open ? clean.slice(0, -1) : clean;
  if (open ? atr.length < body.length : atr.length !== body.length) return false;
  for (let i = 0; i < body.length; i += 2) {
    const p = body.slice(i, i + 2);
    if (p !== ".." && p !== atr.slice(i, i + 2)) return false;
  }
  return true;
}

/** The kind by ATR alone, or "unknown". A malformed ATR is "unknown" too. */
export function kindFromAtr(atr: Uint8Array, rules: readonly AtrRule[] = DEFAULT_ATR_RULES): CardKind {
  const hex = toHex(atr);
  let historical: string | undefined;
  try {
    historical = toHex(parseAtr(atr).historical);
  } catch {
    historical = undefined;
  }
  for (const rule of rules) {
    if (rule.atr && matchesPattern(rule.atr, hex)) return rule.kind;
    if (rule.historicalPrefix && historical?.startsWith(rule.historicalPrefix.toUpperCase())) return rule.kind;
  }
  return "unknown";
}

/** A probing rule: the kind whose application answers `command` with 9000 or 61xx. */
export interface ProbeRule {
  readonly kind: Exclude<CardKind, "unknown">;
  /** Command APDU in hex. */
  readonly command: string;
}

/**
 * Default probes: SELECT DDF1 by its name "WS.SYS.DDF01" (spec §2.1), the project staff AID [P],
 * then the SAM's EF0015 under MF (a resident card has no such file there).
 */
const selectByName = (name: string) =>
  toHex(encodeCommand({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: fromHex(name) }));

export const DEFAULT_PROBES: readonly ProbeRule[] = [
  { kind: "resident", command: selectByName(ascii("WS.SYS.DDF01")) },
  { kind: "staff", command: selectByName(`F0${ascii("RHCSTAFF")}01`) },
  { kind: "sam", command: "00A40000020015" },
];
