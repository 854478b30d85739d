import { createPrivateKey, type KeyObject, privateEncrypt, constants as rsa, sign } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { sm2Sign, sm2SignDigest } from "@rhc/crypto";
import { buildT1Atr } from "../../atr.js";
import type { Command } from "../../cos/command.js";
import { getChallenge, getResponse } from "../../cos/commands/auth.js";
import { readBinary } from "../../cos/commands/binary.js";
import { findPin, presentPin, verify } from "../../cos/commands/pin.js";
import { select } from "../../cos/commands/select.js";
import { type CommandHandler, Cos, ok } from "../../cos/engine.js";
import { type DfLayout, df, ef, MF_FID, pinCredential } from "../../cos/layout.js";
import { type CosState, importState } from "../../cos/state.js";
import { refuse, SW } from "../../cos/sw.js";
import { defaultScheme } from "../../keys/scheme.js";

/** Staff application AID [P]: F0 ‖ "RHCSTAFF" ‖ 01 (proprietary RID range F0). */
export const STAFF_AID = Uint8Array.from([0xf0, ...Buffer.from("RHCSTAFF"), 0x01]);
export const STAFF_APP_FID = 0x5000;
export const STAFF_APP_PATH = "3F00/5000";
/** Certificate EF: DER X.509 from offset 0, zero-filled after it. */
export const STAFF_CERT_FID = 0xc000;
export const STAFF_CERT_SIZE = 2048;
/** PIN (ref 01) and PUK (ref 02): ASCII digits padded with FF to 8 bytes (ISO 7816-4 / PIV style). */
export const STAFF_PIN_REF = 0x01;
export const STAFF_PUK_REF = 0x02;
export const STAFF_PIN_BLOCK = 8;

export type StaffAlgorithm = "sm2" | "rsa" | "ecdsa-p256";

export const STAFF_LAYOUT: DfLayout = df(MF_FID, "CA staff card", {
  children: [
    df(STAFF_APP_FID, "staff signature application", {
      name: STAFF_AID,
      pins: [
        { ref: STAFF_PIN_REF, label: "PIN", maxTries: 3, format: "ascii", minDigits: 4, maxDigits: STAFF_PIN_BLOCK },
        { ref: STAFF_PUK_REF, label: "PUK", maxTries: 5, format: "ascii", minDigits: 8, maxDigits: STAFF_PIN_BLOCK },
      ],
      children: [
        ef(STAFF_CERT_FID, "EF C000 X.509 certificate", {
          structure: "transparent",
          size: STAFF_CERT_SIZE,
          access: { read: "always", update: "never" },
        }),
      ],
    }),
  ],
});

/** A PIN block: ASCII digits then FF up to 8 bytes. */
export function staffPinBlock(pin: string): Uint8Array {
  if (!/^\d{4,8}$/.test(pin)) throw new RangeError("a staff PIN/PUK has 4 to 8 digits");
  const out = new Uint8Array(STAFF_PIN_BLOCK).fill(0xff);
  out.set(Buffer.from(pin, "ascii"));
  return out;
}

export interface StaffCardOptions {
  algorithm: StaffAlgorithm;
  /** sm2: the 32-byte scalar; rsa / ecdsa-p256: PKCS#8 DER. */
  privateKey: Uint8Array;
  state?: CosState;
}

/** The signer behind the card's two private-key commands. */
interface Signer {
  /** PSO CDS input: SM3 digest e (sm2), SHA-256 digest (ecdsa), DigestInfo (rsa). */
  signPrepared(input: Uint8Array): Uint8Array;
  /** INTERNAL AUTHENTICATE: a standard signature over the challenge as the message. */
  signMessage(message: Uint8Array): Uint8Array;
}

function signerFor(algorithm: StaffAlgorithm, privateKey: Uint8Array): Signer {
  if (algorithm === "sm2") {
    if (privateKey.length !== 32) throw new RangeError("an SM2 private key is a 32-byte scalar");
    return {
      signPrepared: (digest) => (digest.length === 32 ? sm2SignDigest(privateKey, digest) : refuse(SW.WRONG_LENGTH)),
      signMessage: (message) => sm2Sign(privateKey, message),
    };
  }
  const key: KeyObject = createPrivateKey({ key: Buffer.from(privateKey), format: "der", type: "pkcs8" });
  if (algorithm === "rsa") {
    if (key.asymmetricKeyType !== "rsa") throw new RangeError("the key is not an RSA key");
    return {
      signPrepared: (digestInfo) => {
        const modulus = (key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
        if (digestInfo.length === 0 || digestInfo.length > modulus - 11) refuse(SW.WRONG_LENGTH);
        return new Uint8Array(privateEncrypt({ key, padding: rsa.RSA_PKCS1_PADDING }, digestInfo));
      },
      signMessage: (message) => new Uint8Array(sign("sha256", message, key)),
    };
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new RangeError("the key is not a P-256 key");
  }
  const d = Uint8Array.from(Buffer.from(key.export({ format: "jwk" }).d ?? "", "base64url"));
  return {
    signPrepared: (digest) =>
      digest.length === 32 ? p256.sign(digest, d, { prehash: false }) : refuse(SW.WRONG_LENGTH),
    signMessage: (message) => new Uint8Array(sign("sha256", message, { key, dsaEncoding: "ieee-p1363" })),
  };
}

/**
 * A CA-issued staff card (ISO 7816-4/-8): an application holding an X.509 certificate and its
 * private key, PIN with retries and blocking, PUK to reset it, PSO COMPUTE DIGITAL SIGNATURE and
 * INTERNAL AUTHENTICATE over a challenge. Both signing commands need the PIN verified.
 */
export class StaffCard extends Cos {
  readonly algorithm: StaffAlgorithm;
  private readonly signer: Signer;

  constructor(options: StaffCardOptions) {
    super(
      { layout: STAFF_LAYOUT, atr: buildT1Atr(new Uint8Array(Buffer.from("RHC-STAFF"))), crypto: defaultScheme() },
      STAFF_COMMANDS,
    );
    this.algorithm = options.algorithm;
    this.signer = signerFor(options.algorithm, options.privateKey);
    if (options.state) importState(this, options.state);
  }

  requirePin(): void {
    if (!this.security.has(pinCredential(STAFF_APP_PATH, STAFF_PIN_REF))) refuse(SW.SECURITY_STATUS);
  }

  pso(cmd: Command): Uint8Array {
    if (cmd.p1 !== 0x9e || cmd.p2 !== 0x9a) refuse(SW.WRONG_P1P2);
    this.requirePin();
    if (cmd.data.length === 0) refuse(SW.WRONG_LENGTH);
    return this.signer.signPrepared(cmd.data);
  }

  internalAuthenticate(cmd: Command): Uint8Array {
    if (cmd.p1 !== 0x00 || (cmd.p2 !== 0x00 && cmd.p2 !== 0x01)) refuse(SW.WRONG_P1P2);
    this.requirePin();
    if (cmd.data.length < 8 || cmd.data.length > 128) refuse(SW.WRONG_LENGTH);
    return this.signer.signMessage(cmd.data);
  }

  /** CHANGE REFERENCE DATA (00 24 00 01, old8 ‖ new8) and RESET RETRY COUNTER (00 2C 00 01, PUK8 ‖ new8). */
  changePin(cmd: Command, withPuk: boolean): Uint8Array {
    if (cmd.p1 !== 0 || cmd.p2 !== STAFF_PIN_REF) refuse(SW.WRONG_P1P2);
    if (cmd.data.length !== 2 * STAFF_PIN_BLOCK) refuse(SW.WRONG_LENGTH);
    const [proof, next] = [cmd.data.subarray(0, STAFF_PIN_BLOCK), cmd.data.subarray(STAFF_PIN_BLOCK)];
    const pin = findPin(this, STAFF_PIN_REF);
    const checker = withPuk ? findPin(this, STAFF_PUK_REF) : pin;
    const failed = presentPin(this, checker.df, checker.pin, proof);
    if (failed) return failed;
    if (
      !/^\d{4,8}$/.test(
        Buffer.from(next)
          .toString("latin1")
          .replace(/\xff+$/, ""),
      )
    )
      refuse(SW.WRONG_DATA);
    this.tx.set(pin.pin, "value", next.slice());
    this.tx.set(pin.pin, "triesLeft", pin.pin.slot.maxTries);
    return ok();
  }
}

const asStaff = (cos: Cos): StaffCard => (cos instanceof StaffCard ? cos : refuse(SW.INS_NOT_SUPPORTED));

const STAFF_COMMANDS: readonly CommandHandler[] = [
  select,
  readBinary,
  verify,
  getChallenge,
  getResponse,
  { ins: 0x2a, cla: [0x00], name: "PSO COMPUTE DIGITAL SIGNATURE", run: (c, cmd) => c.reply(cmd, asStaff(c).pso(cmd)) },
  {
    ins: 0x88,
    cla: [0x00],
    name: "INTERNAL AUTHENTICATE",
    run: (c, cmd) => c.reply(cmd, asStaff(c).internalAuthenticate(cmd)),
  },
  { ins: 0x24, cla: [0x00], name: "CHANGE REFERENCE DATA", run: (c, cmd) => asStaff(c).changePin(cmd, false) },
  { ins: 0x2c, cla: [0x00], name: "RESET RETRY COUNTER", run: (c, cmd) => asStaff(c).changePin(cmd, true) },
];
