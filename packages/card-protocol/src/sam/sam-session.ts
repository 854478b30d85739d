import { RhcError } from "@rhc/errors";
import { triesLeft } from "../apdu/status-words.js";
import { decodeCn } from "../codec/cn.js";
import { SAM_KEYS, type SamKeyName } from "../health-card/keys.js";
import { ApduChannel, type PipelineOptions } from "../pipeline/channel.js";
import type { CardFactors, SamCryptoOps, SamCryptoPort } from "../pipeline/secure-messaging.js";
import type { CardConnection } from "../transport/types.js";
import { concatBytes, toHex } from "../util/hex.js";
import { OperationQueue } from "../util/operation-queue.js";
import { fold } from "../util/pad.js";
import { encodePinBcd, pinError } from "./pin.js";

/** SAM files (spec §7.1). */
const SAM_FILES = {
  publicInfo: { fid: 0x0015, size: 14, df: "MF" },
  terminal: { fid: 0x0016, size: 6, df: "MF" },
  appInfo: { fid: 0x001a, size: 25, df: "DF01" },
  issuerCertificate: { fid: 0x001b, size: 180, df: "DF01" },
  samCertificate: { fid: 0x001c, size: 190, df: "DF01" },
} as const;
export type SamFile = keyof typeof SAM_FILES;

const MF = 0x3f00;
const DF01 = 0xdf01;

type SamCommand = Parameters<ApduChannel["send"]>[0];

/**
 * The cipher/MAC commands ask for their answer with Le (ISO case 4): a SAM that answers directly
 * saves the GET RESPONSE of every cryptogram, ciphertext and MAC; one that answers 61xx anyway
 * (T=0) gets its GET RESPONSE from the pipeline as before. This strips Le again for a SAM that
 * refuses case 4.
 */
function withoutLe({ le: _le, ...command }: SamCommand): SamCommand {
  return command;
}

/** EF0015: SAM public information. */
export interface SamPublicInfo {
  /** 10-byte SAM serial number, hex. */
  readonly serial: string;
  readonly version: number;
  readonly keyCardType: number;
  readonly commandSetVersion: number;
  readonly fciByte: number;
}

/** EF001A: health-card application information on the SAM. */
export interface SamAppInfo {
  readonly keyIndex: number;
  readonly issuerId: string;
  readonly receiverId: string;
  readonly startDate: string;
  readonly expiryDate: string;
}

export type PinState =
  | { readonly state: "verified" }
  | { readonly state: "not-verified"; readonly triesLeft: number }
  | { readonly state: "blocked" }
  | { readonly state: "unknown" };

export interface SamSessionOptions extends Pick<PipelineOptions, "timeoutMs"> {}

/**
 * The terminal's SAM (PSAM, spec §7): PIN, key derivation and cipher/MAC for the user card, SM2
 * signing, certificates and terminal number. Opening reads the MF-level files once (terminal
 * number, public info) and leaves the SAM in DF01, where the PIN and all crypto live, so later
 * operations never leave DF01 (which would drop the PIN state).
 */
export class SamSession implements SamCryptoPort {
  private readonly cache = new Map<SamFile, Uint8Array>();
  private currentDf: "MF" | "DF01" | "unknown" = "unknown";
  private currentEf: number | undefined;
  private pinVerified = false;
  /** Set once the SAM refused a cipher/MAC command carrying Le (see `crypto`). */
  private caseThreeOnly = false;
  /** Several card sessions may share one SAM: every operation runs alone (see `exclusive`). */
  private readonly queue = new OperationQueue();
  private readonly ops: SamCryptoOps = {
    derive: (key, factors, processFactor) => this.deriveKey(key, factors, processFactor),
    encrypt: (block) => this.cipher(block),
    mac: (input) => this.computeMac(input),
  };

  private constructor(readonly channel: ApduChannel) {}

  /** 6 APDUs: SELECT MF, SELECT 0015 + READ, SELECT 0016 + READ, SELECT DF01. */
  static async open(connection: CardConnection, options: SamSessionOptions = {}): Promise<SamSession> {
    const session = new SamSession(new ApduChannel(connection, { ...options, binaryChunk: false }));
    await session.select(MF, "SELECT SAM MF");
    session.currentDf = "MF";
    await session.readFile("publicInfo");
    await session.readFile("terminal");
    await session.enterDf01();
    return session;
  }

  get reader(): string {
    return this.channel.connection.reader;
  }

  /**
   * Runs `work` with the SAM to itself: a derive must not be separated from the cipher/MAC that
   * use its key by another caller's derive (secure messaging runs derive, encipher, MAC as one).
   */
  exclusive<T>(work: (sam: SamCryptoOps) => Promise<T>): Promise<T> {
    return this.queue.run(() => work(this.ops));
  }

  private async select(fid: number, context: string): Promise<void> {
    await this.channel.call({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: Uint8Array.of(fid >> 8, fid & 0xff) }, context);
  }

  private async enterDf01(): Promise<void> {
    if (this.currentDf === "DF01") return;
    await this.select(DF01, "SELECT SAM DF01");
    this.currentDf = "DF01";
    this.currentEf = undefined;
    this.pinVerified = false;
  }

  /** Raw content of a SAM file (cached for the session). */
  file(file: SamFile): Promise<Uint8Array> {
    return this.queue.run(() => this.readFile(file));
  }

  private async readFile(file: SamFile): Promise<Uint8Array> {
    const cached = this.cache.get(file);
    if (cached) return cached;
    const def = SAM_FILES[file];
    if (def.df === "DF01") await this.enterDf01();
    else if (this.currentDf !== "MF") {
      throw new RhcError("INTERNAL", { detail: `SAM ${file} lives in MF and is read when the session opens` });
    }
    if (this.currentEf !== def.fid) {
      await this.select(def.fid, `SELECT SAM EF${def.fid.toString(16).padStart(4, "0")}`);
      this.currentEf = def.fid;
    }
    const data = await this.channel.call({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: def.size }, `READ BINARY SAM ${file}`);
    if (data.length !== def.size) {
      throw new RhcError("MALFORMED_RESPONSE", { detail: `SAM ${file}: ${data.length} bytes instead of ${def.size}` });
    }
    this.cache.set(file, data);
    return data;
  }

  // ---- information ----------------------------------------------------------------------------

  async publicInfo(): Promise<SamPublicInfo> {
    const b = await this.file("publicInfo");
    return {
      serial: toHex(b.subarray(0, 10)),
      version: b[10]!,
      keyCardType: b[11]!,
      commandSetVersion: b[12]!,
      fciByte: b[13]!,
    };
  }

  /** Terminal number from EF0016: province ‖ city ‖ organisation ‖ serial(3), as 12 hex digits. */
  async terminalNumber(): Promise<string> {
    return toHex(await this.file("terminal"));
  }

  async appInfo(): Promise<SamAppInfo> {
    const b = await this.file("appInfo");
    const field = { key: "samAppInfo", zh: "SAM 应用信息", en: "SAM application info" };
    return {
      keyIndex: b[0]!,
      issuerId: toHex(b.subarray(1, 9)),
      receiverId: toHex(b.subarray(9, 17)),
      startDate: decodeCn(b.subarray(17, 21), field),
      expiryDate: decodeCn(b.subarray(21, 25), field),
    };
  }

  /** The issuer certificate (180 bytes, EF001B). */
  issuerCertificate(): Promise<Uint8Array> {
    return this.file("issuerCertificate");
  }

  /** The SAM certificate (190 bytes, EF001C), written into every visit record this SAM signs. */
  samCertificate(): Promise<Uint8Array> {
    return this.file("samCertificate");
  }

  // ---- PIN ------------------------------------------------------------------------------------

  get isPinVerified(): boolean {
    return this.pinVerified;
  }

  /** VERIFY `00 20 00 00 03 <BCD>` in DF01. Wrong PIN → PIN_INVALID {triesLeft}; blocked → PIN_BLOCKED. */
  verifyPin(pin: string): Promise<void> {
    return this.queue.run(async () => {
      const data = encodePinBcd(pin);
      await this.enterDf01();
      const response = await this.channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0, data });
      if (response.sw !== 0x9000) throw pinError(response.sw, "SAM PIN");
      this.pinVerified = true;
    });
  }

  /** CHANGE PIN `80 5E 01 00 Lc old ‖ FF ‖ new`. */
  changePin(oldPin: string, newPin: string): Promise<void> {
    return this.queue.run(async () => {
      const data = concatBytes(encodePinBcd(oldPin), Uint8Array.of(0xff), encodePinBcd(newPin));
      await this.enterDf01();
      const response = await this.channel.send({ cla: 0x80, ins: 0x5e, p1: 0x01, p2: 0x00, data });
      if (response.sw !== 0x9000) throw pinError(response.sw, "SAM PIN change");
    });
  }

  /** PIN state without spending a try: ISO VERIFY without data (`00 20 00 00`). */
  pinState(): Promise<PinState> {
    return this.queue.run(async () => {
      await this.enterDf01();
      const { sw } = await this.channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0 });
      if (sw === 0x9000) return { state: "verified" };
      if (sw === 0x6983) return { state: "blocked" };
      const left = triesLeft(sw);
      if (left === 0) return { state: "blocked" };
      if (left !== undefined) return { state: "not-verified", triesLeft: left };
      return this.pinVerified ? { state: "verified" } : { state: "unknown" };
    });
  }

  // ---- crypto for the user card (SamCryptoPort) -----------------------------------------------

  private async crypto(command: SamCommand, context: string): Promise<Uint8Array> {
    await this.enterDf01();
    let response = await this.channel.send(this.caseThreeOnly ? withoutLe(command) : command);
    if (response.sw === 0x6700 && command.le !== undefined && !this.caseThreeOnly) {
      // A SAM that refuses Le on these commands: from now on the T=0 way (61xx + GET RESPONSE).
      this.caseThreeOnly = true;
      response = await this.channel.send(withoutLe(command));
    }
    if (response.sw === 0x6982 && !this.pinVerified) {
      throw new RhcError("SAM_PIN_REQUIRED", { sw: response.sw, detail: context });
    }
    if (response.sw !== 0x9000) throw pinError(response.sw, context, true);
    return response.data;
  }

  /** `80 DE usage index Lc cardF [‖ cityF] [‖ processFactor]` (spec §4.3). */
  derive(key: SamKeyName, factors: CardFactors, processFactor?: Uint8Array): Promise<void> {
    return this.queue.run(() => this.deriveKey(key, factors, processFactor));
  }

  /** `80 FA 00 00`: SM4-ECB of a multiple of 16 bytes with the derived key. */
  encrypt(block: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(() => this.cipher(block));
  }

  /** `80 FA 05 00 Lc 00×16 ‖ input`: the 4-byte MAC with a zero initial value. */
  mac(input: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(() => this.computeMac(input));
  }

  private async deriveKey(key: SamKeyName, factors: CardFactors, processFactor?: Uint8Array): Promise<void> {
    const def = SAM_KEYS[key];
    if (def.levels === 2 && !factors.cityF) {
      throw new RhcError("INTERNAL", { detail: `${key} needs the city factor (element 57) before derivation` });
    }
    const parts = [
      factors.cardF,
      ...(def.levels === 2 ? [factors.cityF!] : []),
      ...(processFactor ? [processFactor] : []),
    ];
    await this.crypto(
      { cla: 0x80, ins: 0xde, p1: def.usage, p2: def.index, data: concatBytes(...parts) },
      `SAM derive ${key}`,
    );
  }

  private async cipher(block: Uint8Array): Promise<Uint8Array> {
    const out = await this.crypto(
      { cla: 0x80, ins: 0xfa, p1: 0x00, p2: 0x00, data: block, le: block.length },
      "SAM cipher",
    );
    if (out.length !== block.length) {
      throw new RhcError("MALFORMED_RESPONSE", {
        detail: `SAM cipher returned ${out.length} of ${block.length} bytes`,
      });
    }
    return out;
  }

  private async computeMac(input: Uint8Array): Promise<Uint8Array> {
    const data = concatBytes(new Uint8Array(16), input);
    const out = await this.crypto({ cla: 0x80, ins: 0xfa, p1: 0x05, p2: 0x00, data, le: 4 }, "SAM MAC");
    if (out.length !== 4) throw new RhcError("MALFORMED_RESPONSE", { detail: `SAM MAC of ${out.length} bytes` });
    return out;
  }

  /**
   * The EXTERNAL AUTHENTICATE cryptogram for `key` (spec §4.4): derive with the card challenge,
   * encipher `p ‖ 00×8`, fold. 2 APDUs (derive, cipher; + GET RESPONSE from a SAM answering 61xx).
   */
  authCryptogram(key: SamKeyName, factors: CardFactors, challenge: Uint8Array, p: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(async () => {
      await this.deriveKey(key, factors, challenge);
      return fold(await this.cipher(concatBytes(p, new Uint8Array(8))));
    });
  }

  /**
   * [P] What a genuine card answers to INTERNAL AUTHENTICATE with `r` (spec §6.12): IRK derived
   * without a process factor, `SM4(r ‖ 00×8)`. 2 APDUs (+ GET RESPONSE from a 61xx SAM).
   */
  internalAuthExpected(factors: CardFactors, r: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(async () => {
      await this.deriveKey("IRKDDF1", factors);
      return this.cipher(concatBytes(r, new Uint8Array(8)));
    });
  }

  /** [P] SM2 signature of an SM3 hash: `00 2A 9E 9A 20 hash 00` → r ‖ s (64 bytes). PIN required. */
  sm2Sign(hash: Uint8Array): Promise<Uint8Array> {
    return this.queue.run(async () => {
      if (hash.length !== 32) throw new RhcError("INVALID_INPUT", { detail: `SM3 hash of ${hash.length} bytes` });
      const sig = await this.crypto({ cla: 0x00, ins: 0x2a, p1: 0x9e, p2: 0x9a, data: hash, le: 256 }, "SAM SM2 sign");
      if (sig.length !== 64)
        throw new RhcError("MALFORMED_RESPONSE", { detail: `SM2 signature of ${sig.length} bytes` });
      return sig;
    });
  }

  close(): Promise<void> {
    return this.queue.run(() => this.channel.connection.disconnect("leave"));
  }
}
