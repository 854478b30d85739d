import { CARD_FACTOR_BYTES_5_TO_12, cityFactor, fromHex, SAM_KEYS, type SamKeyName, toHex } from "@rhc/card-protocol";
import { concatBytes } from "@rhc/crypto";
import { pad80 } from "../../src/cos/crypto.js";

/**
 * The terminal side of the vendor flows of spec §6, APDU by APDU, as test support: it sends
 * exactly the bytes C1/C2 send (GET CHALLENGE, 80 DE, 80 FA, 00 C0, 00 82, 04 DC, 84 D2 ...) to a
 * card and a SAM, keeps a trace, and fails on any unexpected status word.
 */
export type Transmit = (apdu: Uint8Array) => Promise<Uint8Array>;

export interface TraceStep {
  to: "card" | "sam";
  command: string;
  response: string;
}

export class SwError extends Error {
  constructor(
    readonly sw: number,
    readonly step: string,
  ) {
    super(`${step} → SW ${sw.toString(16).toUpperCase().padStart(4, "0")}`);
  }
}

const bytes = (apdu: Uint8Array | string) => (typeof apdu === "string" ? fromHex(apdu) : apdu);
export const hex = (...parts: (Uint8Array | string | number)[]) =>
  toHex(
    concatBytes(
      ...parts.map((p) => (typeof p === "number" ? Uint8Array.of(p) : typeof p === "string" ? fromHex(p) : p)),
    ),
  );

export class Terminal {
  readonly trace: TraceStep[] = [];
  cardF: Uint8Array = new Uint8Array(8);
  cityF: Uint8Array = new Uint8Array(8);

  constructor(
    readonly card: Transmit,
    readonly sam: Transmit,
  ) {}

  private async send(to: "card" | "sam", apdu: Uint8Array | string, expect: number | undefined) {
    const command = bytes(apdu);
    const response = await (to === "card" ? this.card : this.sam)(command);
    this.trace.push({ to, command: toHex(command), response: toHex(response) });
    const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
    if (expect !== undefined && sw !== expect) throw new SwError(sw, `${to} ${toHex(command).slice(0, 24)}`);
    return { data: response.slice(0, -2), sw };
  }

  /** Sends to the card; resolves with the data, or throws SwError when the SW is not `expect`. */
  async c(apdu: Uint8Array | string, expect = 0x9000): Promise<Uint8Array> {
    return (await this.send("card", apdu, expect)).data;
  }

  async cSw(apdu: Uint8Array | string): Promise<number> {
    return (await this.send("card", apdu, undefined)).sw;
  }

  async s(apdu: Uint8Array | string, expect = 0x9000): Promise<Uint8Array> {
    return (await this.send("sam", apdu, expect)).data;
  }

  async sSw(apdu: Uint8Array | string): Promise<number> {
    return (await this.send("sam", apdu, undefined)).sw;
  }

  /** §6.1: SAM DF01 + PIN, cardF from the ATR, cityF from DDF1/EF05 tag 39. */
  async startSession(atr: Uint8Array, pin = "123456"): Promise<void> {
    await this.s("00A4000002DF01");
    await this.s(`0020000003${pin}`);
    this.cardF = CARD_FACTOR_BYTES_5_TO_12.extract(atr);
    await this.c("00A4000002DDF1");
    await this.c("00A4000002EF05");
    const city = await this.c("00B2390005");
    this.cityF = cityFactor(Buffer.from(city.subarray(2)).toString("hex"));
  }

  factors(key: SamKeyName): Uint8Array {
    return SAM_KEYS[key].levels === 2 ? concatBytes(this.cardF, this.cityF) : this.cardF;
  }

  /** 80 DE + 80 FA 00 + 00 C0: the SAM's encryption of a 16-byte block under the derived key. */
  async samEncrypt(key: SamKeyName, process: Uint8Array | undefined, block: Uint8Array): Promise<Uint8Array> {
    const { usage, index } = SAM_KEYS[key];
    const data = process ? concatBytes(this.factors(key), process) : this.factors(key);
    await this.s(hex("80DE", usage, index, data.length, data));
    await this.s(hex("80FA0000", block.length, block), 0x6100 | block.length);
    return this.s(hex("00C00000", block.length));
  }

  /** §6.3: read-key EXTERNAL AUTHENTICATE with P = 1122334455667788. */
  async authRead(key: SamKeyName, ref: number): Promise<void> {
    const r = await this.c("0084000008");
    const x = await this.samEncrypt(key, r, fromHex("11223344556677880000000000000000"));
    await this.c(hex("008200", ref, "11", fold(x), "1122334455667788", "01"));
  }

  /** §6.4 step 2: update-key EXTERNAL AUTHENTICATE, P = the first of two challenges. */
  async authUpdate(key: SamKeyName, ref: number, expect = 0x9000): Promise<void> {
    const r1 = await this.c("0084000008");
    const r2 = await this.c("0084000008");
    const x = await this.samEncrypt(key, r2, concatBytes(r1, new Uint8Array(8)));
    await this.c(hex("008200", ref, "11", fold(x), r1, "01"), expect);
  }

  /** The MAC of a card command (header with final Lc ‖ body) by the SAM under `stk` and a fresh challenge. */
  async samMac(stk: SamKeyName, r: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    const { usage, index } = SAM_KEYS[stk];
    const data = concatBytes(this.factors(stk), r);
    await this.s(hex("80DE", usage, index, data.length, data));
    const input = concatBytes(new Uint8Array(16), pad80(message));
    await this.s(hex("80FA0500", input.length, input), 0x6104);
    return this.s("00C0000004");
  }

  /** §4.5: CLA 04 command with Lp ‖ data ‖ pad enciphered and a MAC (steps 4–8 of §6.4). */
  async smCommand(ins: number, p1: number, p2: number, data: Uint8Array, stk: SamKeyName, expect = 0x9000) {
    const r = await this.c("0084000008");
    const { usage, index } = SAM_KEYS[stk];
    const block = pad80(concatBytes(Uint8Array.of(data.length), data));
    const factors = concatBytes(this.factors(stk), r);
    await this.s(hex("80DE", usage, index, factors.length, factors));
    await this.s(hex("80FA0000", block.length, block), 0x6100 | block.length);
    const cipher = await this.s(hex("00C00000", block.length));
    const lc = cipher.length + 4;
    const mac = await this.samMac(stk, r, concatBytes(Uint8Array.of(0x04, ins, p1, p2, lc), cipher));
    return this.c(hex("04", ins, p1, p2, lc, cipher, mac), expect);
  }

  /** §6.9 step 5 / §6.10: CLA 84 command whose only data is the MAC. */
  async macCommand(ins: number, p1: number, p2: number, stk: SamKeyName, expect = 0x9000) {
    const r = await this.c("0084000008");
    const mac = await this.samMac(stk, r, Uint8Array.of(0x84, ins, p1, p2, 0x04));
    return this.c(hex("84", ins, p1, p2, "04", mac), expect);
  }

  /** READ/UPDATE BINARY in ≤ 0x80-byte chunks (§3.4, §6.8). */
  async readBinary(length: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let off = 0; off < length; off += 0x80) {
      const n = Math.min(0x80, length - off);
      parts.push(await this.c(hex(0x00, 0xb0, off >> 8, off & 0xff, n)));
    }
    return concatBytes(...parts);
  }

  async updateBinary(offset: number, data: Uint8Array): Promise<void> {
    for (let i = 0; i < data.length; i += 0x80) {
      const chunk = data.subarray(i, i + 0x80);
      const off = offset + i;
      await this.c(hex(0x00, 0xd6, off >> 8, off & 0xff, chunk.length, chunk));
    }
  }
}

export function fold(x: Uint8Array): Uint8Array {
  return x.subarray(0, 8).map((b, i) => b ^ x[8 + i]!);
}
