import { decodeCommand } from "@rhc/card-protocol";
import { CardError, SW } from "./sw.js";

/** A command as the engine sees it: data is always present (maybe empty), Le may be absent. */
export interface Command {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** Ne: 1..256 (short) or up to 65536 (extended); undefined when the command carried no Le. */
  readonly le: number | undefined;
  readonly extended: boolean;
  /** Lc as sent: what a MAC over the header covers. */
  readonly lc: number;
}

/** Parses raw APDU bytes; inconsistent lengths are a 6700 refusal, never an exception. */
export function parseCommand(apdu: Uint8Array): Command {
  try {
    const d = decodeCommand(apdu);
    const data = d.data ?? new Uint8Array(0);
    return { cla: d.cla, ins: d.ins, p1: d.p1, p2: d.p2, data, le: d.le, extended: d.extended, lc: data.length };
  } catch {
    throw new CardError(SW.WRONG_LENGTH);
  }
}

/** The 5 header bytes a secure-messaging MAC covers: CLA INS P1 P2 Lc. */
export function macHeader(cmd: Command): Uint8Array {
  return Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2, cmd.lc);
}
