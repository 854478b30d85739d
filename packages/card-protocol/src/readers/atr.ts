import { RhcError } from "@rhc/errors";
import { toHex } from "../util/hex.js";

/** The parts of an ATR (ISO/IEC 7816-3 §8.2) needed to recognise a card. */
export interface ParsedAtr {
  readonly ts: number;
  /** Protocols announced by TD bytes; T=0 when none is. */
  readonly protocols: readonly number[];
  readonly historical: Uint8Array;
  /** TCK present (any protocol other than T=0 announced). */
  readonly tck: number | undefined;
}

function malformed(atr: Uint8Array, why: string): RhcError {
  return new RhcError("MALFORMED_RESPONSE", { detail: `ATR ${toHex(atr)}: ${why}` });
}

/** Parses an ATR; anything that does not follow ISO 7816-3 is MALFORMED_RESPONSE. */
export function parseAtr(atr: Uint8Array): ParsedAtr {
  if (atr.length < 2 || atr.length > 33) throw malformed(atr, `length ${atr.length}`);
  const ts = atr[0]!;
  if (ts !== 0x3b && ts !== 0x3f) throw malformed(atr, `TS ${ts.toString(16)}`);
  const k = atr[1]! & 0x0f;
  let y = atr[1]! >> 4;
  let i = 2;
  const protocols: number[] = [];
  // Interface bytes: each Y nibble says which of TA/TB/TC/TD follow; TD carries the next Y.
  for (;;) {
    const td = (y & 0x8) !== 0;
    i += ((y & 0x1) !== 0 ? 1 : 0) + ((y & 0x2) !== 0 ? 1 : 0) + ((y & 0x4) !== 0 ? 1 : 0);
    if (!td) break;
    if (i >= atr.length) throw malformed(atr, "interface bytes run past the end");
    const tdi = atr[i]!;
    protocols.push(tdi & 0x0f);
    y = tdi >> 4;
    i++;
    if (protocols.length > 8) throw malformed(atr, "too many interface byte groups");
  }
  const hasTck = protocols.some((p) => p !== 0);
  const end = i + k;
  if (end + (hasTck ? 1 : 0) !== atr.length) throw malformed(atr, `expected ${end + (hasTck ? 1 : 0)} bytes`);
  const historical = atr.slice(i, end);
  let tck: number | undefined;
  if (hasTck) {
    tck = atr[end]!;
    const check = atr.subarray(1).reduce((x, b) => x ^ b, 0);
    if (check !== 0) throw malformed(atr, "wrong TCK");
  }
  return { ts, protocols: protocols.length > 0 ? protocols : [0], historical, tck };
}
