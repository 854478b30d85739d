import {
  issueSamCertificate,
  sm2GenerateKeyPair,
  sm2SignDigest,
  sm4CbcMac,
  sm4EncryptEcb,
  wst543KeyScheme,
} from "@rhc/crypto";
import { decodeCommand } from "../apdu/command.js";
import { encodeResponse } from "../apdu/response.js";
import type { MemoryCard } from "../transport/memory.js";
import { concatBytes, fromHex, toHex } from "../util/hex.js";

/**
 * A SAM for unit tests of session logic: it computes with the project key scheme like the SAM
 * simulator of spec §7.3 (every key index derives from one master key), answers cipher/MAC
 * directly when asked with Le and T=0-style 61xx otherwise (signatures always 61xx), and logs the
 * commands it saw. End-to-end tests use @rhc/card-sim's SAM through pcscd instead.
 */
export class SchemeSam implements MemoryCard {
  readonly atr = fromHex("3B00");
  readonly log: string[] = [];
  readonly keyPair = sm2GenerateKeyPair();
  pin = "123456";
  private verified = false;
  private key: Uint8Array | undefined;
  private pending: Uint8Array | undefined;
  private ef = 0;
  readonly files: Map<number, Uint8Array>;

  constructor(readonly master = fromHex("00112233445566778899AABBCCDDEEFF")) {
    const certificate = issueSamCertificate(sm2GenerateKeyPair().privateKey, {
      issuerCode: "410100000000001",
      samSerial: fromHex("0123456789ABCDEF0011"),
      terminalNumber: fromHex("410100000001"),
      effective: "20240101",
      expiry: "20341231",
      serial: 1,
      publicKey: this.keyPair.publicKey,
    });
    this.files = new Map([
      [0x0015, fromHex("0123456789ABCDEF0011 10020100")],
      [0x0016, fromHex("410100000001")],
      [0x001a, fromHex("01 1122334455667788 8877665544332211 20240101 20341231")],
      [0x001b, new Uint8Array(180).fill(0x1b)],
      [0x001c, certificate],
    ]);
  }

  reset(): void {
    this.verified = false;
    this.key = undefined;
  }

  /** With Le (case 4) the data comes at once; without, T=0-style 61xx and GET RESPONSE. */
  private answer(le: number | undefined, data: Uint8Array): Uint8Array {
    if (le !== undefined && le >= data.length) return encodeResponse(data, 0x9000);
    this.pending = data;
    return Uint8Array.of(0x61, data.length & 0xff);
  }

  transmit(raw: Uint8Array): Uint8Array {
    const c = decodeCommand(raw);
    const data = c.data ?? new Uint8Array(0);
    this.log.push(toHex(raw.subarray(0, 2)));
    switch (c.ins) {
      case 0xa4:
        this.ef = (data[0]! << 8) | data[1]!;
        return encodeResponse([], 0x9000);
      case 0xb0:
        return encodeResponse(this.files.get(this.ef) ?? [], this.files.has(this.ef) ? 0x9000 : 0x6986);
      case 0x20:
        if (data.length === 0) return encodeResponse([], this.verified ? 0x9000 : 0x63c3);
        this.verified = toHex(data) === this.pin;
        return encodeResponse([], this.verified ? 0x9000 : 0x63c2);
      case 0xc0: {
        const out = this.pending ?? new Uint8Array(0);
        this.pending = undefined;
        return encodeResponse(out, 0x9000);
      }
    }
    if (!this.verified) return encodeResponse([], 0x6982);
    if (c.ins === 0xde) {
      const levels = c.p1 >> 5;
      const factors = Array.from({ length: levels }, (_, i) => data.subarray(8 * i, 8 * i + 8));
      const card = wst543KeyScheme.deriveCardKey(this.master, factors);
      const process = data.subarray(8 * levels);
      this.key = process.length === 8 ? wst543KeyScheme.sessionKey(card, process) : card;
      return encodeResponse([], 0x9000);
    }
    if (c.ins === 0xfa && this.key) {
      if (c.p1 === 0x05) {
        return this.answer(c.le, sm4CbcMac(this.key, data.subarray(16), data.subarray(0, 16)).slice(0, 4));
      }
      return this.answer(c.le, sm4EncryptEcb(this.key, data));
    }
    if (c.ins === 0x2a) return this.answer(undefined, sm2SignDigest(this.keyPair.privateKey, data));
    return encodeResponse([], 0x6d00);
  }

  /** The key a session key is derived from: for computing expected card bytes in tests. */
  cardKey(factors: readonly Uint8Array[]): Uint8Array {
    return wst543KeyScheme.deriveCardKey(this.master, factors);
  }

  cryptogram(factors: readonly Uint8Array[], challenge: Uint8Array, p: Uint8Array): Uint8Array {
    const sk = wst543KeyScheme.sessionKey(this.cardKey(factors), challenge);
    return wst543KeyScheme.authCryptogram(sk, p);
  }

  smUpdate(factors: readonly Uint8Array[], challenge: Uint8Array, header: Uint8Array, data: Uint8Array): Uint8Array {
    const sk = wst543KeyScheme.sessionKey(this.cardKey(factors), challenge);
    const body = data.length > 0 ? wst543KeyScheme.encryptForSm(sk, data) : data;
    const lc = body.length + 4;
    const mac = wst543KeyScheme.mac(sk, concatBytes(header, Uint8Array.of(lc), body));
    return concatBytes(header, Uint8Array.of(lc), body, mac);
  }
}
