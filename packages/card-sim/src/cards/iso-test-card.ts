import { randomBytes } from "node:crypto";
import { type DecodedCommand, decodeCommand, encodeResponse } from "@rhc/card-protocol";
import { buildT1Atr } from "../atr.js";
import type { PowerEvent, SimCard } from "../sim-card.js";

export interface IsoTestCardOptions {
  /** Content of the readable EF 0101 (UTF-8). */
  content?: string;
  /** Historical bytes of the ATR (ASCII). */
  historical?: string;
}

/** AID of the test application: F0 ‖ "RHCTEST". */
export const ISO_TEST_AID = Uint8Array.from([0xf0, ...Buffer.from("RHCTEST")]);
const MF = 0x3f00;
const DF = 0x1000;
const EF_READ = 0x0101;
const EF_WRITE = 0x0102;

const sw = (value: number, data: Uint8Array | readonly number[] = []) => encodeResponse(data, value);

/**
 * A tiny ISO 7816-4 card proving the vpcd path end to end: MF, one DF (by FID 1000 or by AID),
 * a read-only transparent EF 0101 and a writable EF 0102 (64 bytes), GET CHALLENGE.
 */
export class IsoTestCard implements SimCard {
  private readonly atrBytes: Uint8Array;
  private readonly files: Map<number, Uint8Array>;
  private currentDf = MF;
  private currentEf: number | undefined;

  constructor(options: IsoTestCardOptions = {}) {
    this.atrBytes = buildT1Atr(new Uint8Array(Buffer.from(options.historical ?? "RHCTestCard")));
    this.files = new Map([
      [EF_READ, new Uint8Array(Buffer.from(options.content ?? "hello from the RHC test card"))],
      [EF_WRITE, new Uint8Array(64)],
    ]);
  }

  atr(): Uint8Array {
    return this.atrBytes;
  }

  power(event: PowerEvent): void {
    if (event !== "off") {
      this.currentDf = MF;
      this.currentEf = undefined;
    }
  }

  process(apdu: Uint8Array): Uint8Array {
    let cmd: DecodedCommand;
    try {
      cmd = decodeCommand(apdu);
    } catch {
      return sw(0x6700);
    }
    if (cmd.cla !== 0x00) return sw(0x6e00);
    switch (cmd.ins) {
      case 0xa4:
        return this.select(cmd);
      case 0xb0:
        return this.readBinary(cmd);
      case 0xd6:
        return this.updateBinary(cmd);
      case 0x84:
        return sw(0x9000, randomBytes(cmd.le ?? 8));
      default:
        return sw(0x6d00);
    }
  }

  private select(cmd: DecodedCommand): Uint8Array {
    const data = cmd.data ?? new Uint8Array();
    const fci = (aid: Uint8Array) => [0x6f, aid.length + 2, 0x84, aid.length, ...aid];
    const wantsFci = (cmd.p2 & 0x0c) === 0;
    if (cmd.p1 === 0x04) {
      if (Buffer.compare(data, ISO_TEST_AID) !== 0) return sw(0x6a82);
      this.currentDf = DF;
      this.currentEf = undefined;
      return wantsFci ? sw(0x9000, fci(ISO_TEST_AID)) : sw(0x9000);
    }
    if ((cmd.p1 !== 0x00 && cmd.p1 !== 0x02) || data.length !== 2) return sw(0x6a86);
    const fid = (data[0]! << 8) | data[1]!;
    if (fid === MF) {
      this.currentDf = MF;
      this.currentEf = undefined;
      return sw(0x9000);
    }
    if (fid === DF) {
      this.currentDf = DF;
      this.currentEf = undefined;
      return wantsFci ? sw(0x9000, fci(ISO_TEST_AID)) : sw(0x9000);
    }
    if (this.currentDf === DF && this.files.has(fid)) {
      this.currentEf = fid;
      return sw(0x9000);
    }
    return sw(0x6a82);
  }

  private readBinary(cmd: DecodedCommand): Uint8Array {
    if (this.currentEf === undefined) return sw(0x6986);
    const content = this.files.get(this.currentEf!)!;
    if (cmd.p1 & 0x80) return sw(0x6a86);
    const offset = ((cmd.p1 & 0x7f) << 8) | cmd.p2;
    if (offset >= content.length) return sw(0x6b00);
    const want = cmd.le ?? 256;
    const chunk = content.subarray(offset, offset + want);
    return sw(chunk.length < want && cmd.le !== 256 ? 0x6282 : 0x9000, chunk);
  }

  private updateBinary(cmd: DecodedCommand): Uint8Array {
    if (this.currentEf === undefined) return sw(0x6986);
    if (this.currentEf !== EF_WRITE) return sw(0x6982);
    const content = this.files.get(EF_WRITE)!;
    const data = cmd.data ?? new Uint8Array();
    const offset = ((cmd.p1 & 0x7f) << 8) | cmd.p2;
    if (data.length === 0) return sw(0x6700);
    if (offset + data.length > content.length) return sw(0x6b00);
    content.set(data, offset);
    return sw(0x9000);
  }
}
