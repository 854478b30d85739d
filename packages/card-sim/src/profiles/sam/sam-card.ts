import { CARD_KEYS, type KeyName } from "@rhc/card-protocol";
import { concatBytes, sm2SignDigest, sm4EncryptEcb } from "@rhc/crypto";
import { buildT0Atr } from "../../atr.js";
import type { Command } from "../../cos/command.js";
import { getChallenge, getResponse } from "../../cos/commands/auth.js";
import { readBinary } from "../../cos/commands/binary.js";
import { KEY_TYPE_CODES } from "../../cos/commands/lifecycle.js";
import { changeOrReloadPin, verify } from "../../cos/commands/pin.js";
import { select } from "../../cos/commands/select.js";
import { type CosCrypto, unpad80 } from "../../cos/crypto.js";
import { type CommandHandler, Cos, ok } from "../../cos/engine.js";
import { type DfLayout, df, ef, MF_FID, pinCredential } from "../../cos/layout.js";
import { type CosState, importState } from "../../cos/state.js";
import { refuse, SW } from "../../cos/sw.js";
import { keyKindOf } from "../resident/layout.js";

/** SAM PIN [C]/[P] (spec §4.7): reference 00 in DF01, BCD, default 123456, 3 tries. */
export const SAM_PIN_REF = 0x00;
export const SAM_APP_FID = 0xdf01;
export const SAM_APP_PATH = "3F00/DF01";

const readOnly = { read: "always", update: "never" } as const;

/** The SAM file tree of spec §7.1. */
export const SAM_LAYOUT: DfLayout = df(MF_FID, "health-card SAM", {
  children: [
    ef(0x0015, "EF0015 SAM public data", { structure: "transparent", size: 14, access: readOnly }),
    ef(0x0016, "EF0016 terminal number", { structure: "transparent", size: 6, access: readOnly }),
    df(SAM_APP_FID, "DF01 health-card application", {
      pins: [{ ref: SAM_PIN_REF, label: "SAM PIN", maxTries: 3, format: "bcd", minDigits: 4, maxDigits: 12 }],
      children: [
        ef(0x001a, "EF001A application public data", { structure: "transparent", size: 25, access: readOnly }),
        ef(0x001b, "EF001B issuer certificate", { structure: "transparent", size: 180, access: readOnly }),
        ef(0x001c, "EF001C SAM certificate", { structure: "transparent", size: 190, access: readOnly }),
      ],
    }),
  ],
});

export interface SamMaster {
  readonly name: string;
  readonly usage: number;
  readonly index: number;
  readonly key: Uint8Array;
}

export interface SamCardOptions {
  kind: "psam" | "isam";
  crypto: CosCrypto;
  masters: readonly SamMaster[];
  sm2PrivateKey: Uint8Array;
  state?: CosState;
  historical?: Uint8Array;
  /** Random source for GET CHALLENGE (default: true randomness). */
  random?: (length: number) => Uint8Array;
}

/** Key type in the low 5 bits of a usage byte: 7 auth/encrypt, 8 MAC + encrypt, 9 key transport [P]. */
const keyType = (usage: number) => usage & 0x1f;
const TYPE_TRANSPORT = 9;
/** Tries a key written by the ISAM gets on the card [P]. */
export const WRAPPED_KEY_TRIES = 15;

/**
 * The desk PSAM and the issuer ISAM (spec §7): files 0015/0016/DF01/001A–001C, PIN, 80 DE key
 * derivation, 80 FA cipher/MAC with 61xx + GET RESPONSE, SM2 signature (PSO), and for the ISAM the
 * 80 D4 key wrap used in personalisation [P].
 */
export class SamCard extends Cos {
  readonly kind: "psam" | "isam";
  private readonly masters: readonly SamMaster[];
  private readonly sm2PrivateKey: Uint8Array;
  /** Key of the last 80 DE (process key if a process factor was given) and its key type. */
  session: { key: Uint8Array; type: number } | undefined;
  /** MAC blocks collected over 80 FA chained calls. */
  private macChain: Uint8Array[] | undefined;

  constructor(options: SamCardOptions) {
    const historical =
      options.historical ?? new Uint8Array(Buffer.from(options.kind === "isam" ? "RHC-ISAM" : "RHC-PSAM"));
    super(
      {
        layout: SAM_LAYOUT,
        atr: buildT0Atr(historical),
        crypto: options.crypto,
        ...(options.random ? { random: options.random } : {}),
      },
      SAM_COMMANDS,
    );
    this.kind = options.kind;
    this.masters = options.masters;
    this.sm2PrivateKey = options.sm2PrivateKey;
    if (options.state) importState(this, options.state);
  }

  protected override onReset(): void {
    this.session = undefined;
    this.macChain = undefined;
  }

  /** Crypto needs the PIN verified in DF01 (spec §7.3; leaving DF01 forgets it). */
  requirePin(): void {
    if (!this.security.has(pinCredential(SAM_APP_PATH, SAM_PIN_REF))) refuse(SW.SECURITY_STATUS);
  }

  master(usage: number, index: number): SamMaster {
    return this.masters.find((m) => m.usage === usage && m.index === index) ?? refuse(SW.REFERENCE_NOT_FOUND);
  }

  /** 80 DE: levels = usage >> 5 factors of 8 bytes, then an optional 8-byte process factor (spec §7.3). */
  derive(cmd: Command): void {
    this.requirePin();
    const master = this.master(cmd.p1, cmd.p2);
    const levels = cmd.p1 >> 5;
    if (levels < 1 || levels > 3) refuse(SW.WRONG_P1P2);
    if (cmd.data.length !== 8 * levels && cmd.data.length !== 8 * levels + 8) refuse(SW.WRONG_LENGTH);
    const factors = Array.from({ length: levels }, (_, i) => cmd.data.subarray(8 * i, 8 * i + 8));
    const cardKey = this.crypto.deriveCardKey(master.key, factors);
    const process = cmd.data.length > 8 * levels ? cmd.data.subarray(8 * levels) : undefined;
    this.session = { key: process ? this.crypto.sessionKey(cardKey, process) : cardKey, type: keyType(cmd.p1) };
    this.macChain = undefined;
  }

  /** 80 FA: P1 b1 = MAC (else encrypt), b2 = more blocks follow, b3 = IV in the first 16 bytes. */
  cipher(cmd: Command): Uint8Array {
    this.requirePin();
    if ((cmd.p1 & ~0x07) !== 0 || cmd.p2 !== 0) refuse(SW.WRONG_P1P2);
    const session = this.session ?? refuse(SW.CONDITIONS_NOT_SATISFIED);
    const [mac, more, withIv] = [(cmd.p1 & 1) !== 0, (cmd.p1 & 2) !== 0, (cmd.p1 & 4) !== 0];
    if (!mac) {
      if (session.type === TYPE_TRANSPORT) refuse(SW.CONDITIONS_NOT_SATISFIED);
      if (cmd.data.length === 0 || cmd.data.length % 16 !== 0) refuse(SW.WRONG_LENGTH);
      return sm4EncryptEcb(session.key, cmd.data);
    }
    if (session.type !== 8) refuse(SW.CONDITIONS_NOT_SATISFIED);
    let data = cmd.data;
    if (withIv) {
      if (this.macChain || data.length < 32) refuse(SW.WRONG_LENGTH);
      // [P] the SM MAC starts from a zero IV (spec §4.5); other IVs are refused.
      if (data.subarray(0, 16).some((b) => b !== 0)) refuse(SW.WRONG_DATA);
      data = data.subarray(16);
    }
    if (data.length === 0 || data.length % 16 !== 0) refuse(SW.WRONG_LENGTH);
    const chain = [...(this.macChain ?? []), data.slice()];
    if (more) {
      this.macChain = chain;
      return new Uint8Array(0);
    }
    this.macChain = undefined;
    const message = unpad80(concatBytes(...chain)) ?? refuse(SW.WRONG_DATA);
    return this.crypto.mac(session.key, message);
  }

  /**
   * ISAM 80 D4 usage index Lc  factors ‖ 84 D4 P1 P2  [P]: derives the per-card key of master
   * (usage, index) and returns the WRITE KEY data for the card — enc(Lp ‖ type ‖ tries ‖ key) ‖ MAC
   * under the transport session of the preceding 80 DE 29 01 — so the key never leaves in clear.
   */
  wrapKey(cmd: Command): Uint8Array {
    if (this.kind !== "isam") refuse(SW.INS_NOT_SUPPORTED);
    this.requirePin();
    const session = this.session ?? refuse(SW.CONDITIONS_NOT_SATISFIED);
    if (session.type !== TYPE_TRANSPORT) refuse(SW.CONDITIONS_NOT_SATISFIED);
    const master = this.master(cmd.p1, cmd.p2);
    if (keyType(master.usage) === TYPE_TRANSPORT) refuse(SW.CONDITIONS_NOT_SATISFIED);
    const levels = cmd.p1 >> 5;
    if (cmd.data.length !== 8 * levels + 4) refuse(SW.WRONG_LENGTH);
    const header = cmd.data.subarray(8 * levels);
    if (header[0] !== 0x84 || header[1] !== 0xd4 || header[2]! > 1) refuse(SW.WRONG_DATA);
    const cardKey = this.crypto.deriveCardKey(
      master.key,
      Array.from({ length: levels }, (_, i) => cmd.data.subarray(8 * i, 8 * i + 8)),
    );
    if (!(master.name in CARD_KEYS)) refuse(SW.CONDITIONS_NOT_SATISFIED);
    const kind = keyKindOf(master.name as KeyName);
    const record = concatBytes(Uint8Array.of(KEY_TYPE_CODES[kind], WRAPPED_KEY_TRIES), cardKey);
    const cipher = this.crypto.encryptForSm(session.key, record);
    const macMessage = concatBytes(header, Uint8Array.of(cipher.length + 4), cipher);
    this.session = undefined;
    return concatBytes(cipher, this.crypto.mac(session.key, macMessage));
  }

  /** PSO COMPUTE DIGITAL SIGNATURE over a 32-byte SM3 digest with the SAM's SM2 key [P]. */
  sign(digest: Uint8Array): Uint8Array {
    this.requirePin();
    if (digest.length !== 32) refuse(SW.WRONG_LENGTH);
    return sm2SignDigest(this.sm2PrivateKey, digest);
  }
}

const asSam = (cos: Cos): SamCard => (cos instanceof SamCard ? cos : refuse(SW.INS_NOT_SUPPORTED));

/** SAM command set: ISO file access and PIN from the COS, plus the SAM's own commands (spec §7.2). */
const SAM_COMMANDS: readonly CommandHandler[] = [
  select,
  readBinary,
  verify,
  changeOrReloadPin,
  getChallenge,
  getResponse,
  {
    ins: 0xde,
    cla: [0x80],
    name: "KEY DIVERSIFY",
    run(cos, cmd) {
      asSam(cos).derive(cmd);
      return ok();
    },
  },
  {
    ins: 0xfa,
    cla: [0x80],
    name: "CIPHER DATA",
    run: (cos, cmd) => cos.reply(cmd, asSam(cos).cipher(cmd)),
  },
  {
    ins: 0xd4,
    cla: [0x80],
    name: "KEY WRAP",
    run: (cos, cmd) => cos.reply(cmd, asSam(cos).wrapKey(cmd)),
  },
  {
    ins: 0x2a,
    cla: [0x00],
    name: "PSO COMPUTE DIGITAL SIGNATURE",
    run(cos, cmd) {
      if (cmd.p1 !== 0x9e || cmd.p2 !== 0x9a) refuse(SW.WRONG_P1P2);
      return cos.reply(cmd, asSam(cos).sign(cmd.data));
    },
  },
];
