import { RhcError } from "@rhc/errors";

/**
 * A command APDU (ISO/IEC 7816-4 §5.1). `le` is Ne, the number of response bytes expected:
 * 1..256 for short APDUs (256 is sent as 00), up to 65536 for extended ones (sent as 0000).
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  readonly le?: number;
}

/** ISO 7816-3 cases: 1 no data/no Le, 2 Le only, 3 data only, 4 data and Le. */
export type ApduCase = 1 | 2 | 3 | 4;

export interface DecodedCommand extends CommandApdu {
  readonly case: ApduCase;
  readonly extended: boolean;
}

const SHORT_MAX_NC = 255;
const SHORT_MAX_NE = 256;
const EXTENDED_MAX = 65536;

function malformed(detail: string): RhcError {
  return new RhcError("MALFORMED_COMMAND", { detail });
}

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw malformed(`${name} must be a byte, got ${value}`);
}

export function apduCase(cmd: CommandApdu): ApduCase {
  const hasData = (cmd.data?.length ?? 0) > 0;
  const hasLe = cmd.le !== undefined;
  if (hasData) return hasLe ? 4 : 3;
  return hasLe ? 2 : 1;
}

/**
 * Encodes a command. Short form is used whenever it fits; `extended: true` forces the extended
 * form (for cards that only accept it), and data over 255 bytes or Le over 256 require it.
 */
export function encodeCommand(cmd: CommandApdu, options: { extended?: boolean } = {}): Uint8Array {
  checkByte("CLA", cmd.cla);
  checkByte("INS", cmd.ins);
  checkByte("P1", cmd.p1);
  checkByte("P2", cmd.p2);
  const nc = cmd.data?.length ?? 0;
  const ne = cmd.le;
  if (nc > EXTENDED_MAX - 1) throw malformed(`command data too long: ${nc} bytes`);
  if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > EXTENDED_MAX)) {
    throw malformed(`Le (Ne) must be 1..65536, got ${ne}`);
  }
  const extended = options.extended === true || nc > SHORT_MAX_NC || (ne !== undefined && ne > SHORT_MAX_NE);
  const data = cmd.data ?? new Uint8Array(0);
  const lcBytes = nc === 0 ? 0 : extended ? 3 : 1;
  const leBytes = ne === undefined ? 0 : extended ? (nc > 0 ? 2 : 3) : 1;
  const out = new Uint8Array(4 + lcBytes + nc + leBytes);
  out[0] = cmd.cla;
  out[1] = cmd.ins;
  out[2] = cmd.p1;
  out[3] = cmd.p2;
  let at = 4;
  if (nc > 0) {
    if (extended) {
      out[at++] = 0;
      out[at++] = (nc >> 8) & 0xff;
    }
    out[at++] = nc & 0xff;
    out.set(data, at);
    at += nc;
  }
  if (ne !== undefined) {
    const value = extended ? (ne === EXTENDED_MAX ? 0 : ne) : ne === SHORT_MAX_NE ? 0 : ne;
    if (extended && nc === 0) out[at++] = 0;
    if (extended) out[at++] = (value >> 8) & 0xff;
    out[at] = value & 0xff;
  }
  return out;
}

/** Decodes raw command bytes into their ISO 7816-3 case; anything inconsistent is rejected. */
export function decodeCommand(bytes: Uint8Array): DecodedCommand {
  if (bytes.length < 4) throw malformed(`command shorter than a header: ${bytes.length} bytes`);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, case: 1, extended: false };
  if (body.length === 1) return { ...base, le: body[0] === 0 ? SHORT_MAX_NE : body[0]!, case: 2, extended: false };

  const b0 = body[0]!;
  if (b0 !== 0) {
    // Short case 3 or 4: Lc then data then an optional single Le byte.
    const nc = b0;
    if (body.length === 1 + nc) return { ...base, data: body.slice(1), case: 3, extended: false };
    if (body.length === 2 + nc) {
      const le = body[1 + nc]!;
      return { ...base, data: body.slice(1, 1 + nc), le: le === 0 ? SHORT_MAX_NE : le, case: 4, extended: false };
    }
    throw malformed(`Lc ${nc} does not match ${body.length - 1} following bytes`);
  }

  // Extended forms start with 00.
  if (body.length === 3) {
    const ne = (body[1]! << 8) | body[2]!;
    return { ...base, le: ne === 0 ? EXTENDED_MAX : ne, case: 2, extended: true };
  }
  if (body.length < 3) throw malformed(`truncated extended length (${body.length} bytes after header)`);
  const nc = (body[1]! << 8) | body[2]!;
  if (nc === 0) throw malformed("extended Lc of 0");
  if (body.length === 3 + nc) return { ...base, data: body.slice(3), case: 3, extended: true };
  if (body.length === 5 + nc) {
    const ne = (body[3 + nc]! << 8) | body[4 + nc]!;
    return { ...base, data: body.slice(3, 3 + nc), le: ne === 0 ? EXTENDED_MAX : ne, case: 4, extended: true };
  }
  throw malformed(`extended Lc ${nc} does not match ${body.length - 3} following bytes`);
}
