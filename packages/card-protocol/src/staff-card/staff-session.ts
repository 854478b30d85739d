import { RhcError } from "@rhc/errors";
import { triesLeft } from "../apdu/status-words.js";
import { ApduChannel } from "../pipeline/channel.js";
import { pinError } from "../sam/pin.js";
import type { PinState } from "../sam/sam-session.js";
import type { CardConnection } from "../transport/types.js";
import { concatBytes, fromHex } from "../util/hex.js";
import { OperationQueue } from "../util/operation-queue.js";

/**
 * [P] The staff CA card's layout (ISO 7816-4/-8, PIV-like; spec has no staff card): application
 * AID, certificate EF (DER X.509 from offset 0), PIN/PUK references and their 8-byte ASCII blocks.
 * Another vendor's card is another profile.
 */
export interface StaffCardProfile {
  readonly aid: string;
  readonly certificateFid: number;
  readonly certificateMaxSize: number;
  readonly pinRef: number;
  readonly pukRef: number;
  readonly pinBlock: number;
}

export const PROJECT_STAFF_PROFILE: StaffCardProfile = {
  aid: `F0${Buffer.from("RHCSTAFF").toString("hex")}01`,
  certificateFid: 0xc000,
  certificateMaxSize: 2048,
  pinRef: 0x01,
  pukRef: 0x02,
  pinBlock: 8,
};

/** Certificates are read in blocks of this size (T=1 card; short APDUs). */
const BLOCK = 0xf0;

/**
 * The clinician's CA card: certificate, PIN with tries left and blocking, PIN change/unblock, and
 * signatures — PSO COMPUTE DIGITAL SIGNATURE over a prepared digest, INTERNAL AUTHENTICATE over a
 * challenge (staff login). Both signatures need the PIN verified in this session.
 */
export class StaffCardSession {
  private selected = false;
  private cachedCertificate: Uint8Array | undefined;
  private verified = false;

  /** One operation at a time: a PIN verify must not interleave with another caller's signature. */
  private readonly queue = new OperationQueue();

  private constructor(
    readonly channel: ApduChannel,
    readonly profile: StaffCardProfile,
  ) {}

  static open(
    connection: CardConnection,
    options: { profile?: StaffCardProfile; timeoutMs?: number } = {},
  ): StaffCardSession {
    const channel = new ApduChannel(connection, {
      binaryChunk: BLOCK,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    return new StaffCardSession(channel, options.profile ?? PROJECT_STAFF_PROFILE);
  }

  private async select(): Promise<void> {
    if (this.selected) return;
    const response = await this.channel.send({
      cla: 0,
      ins: 0xa4,
      p1: 0x04,
      p2: 0x00,
      data: fromHex(this.profile.aid),
    });
    if (response.sw === 0x6a82)
      throw new RhcError("WRONG_CARD_TYPE", { sw: response.sw, detail: "no staff application" });
    if (response.sw !== 0x9000 && response.sw1 !== 0x61) throw new RhcError("CARD_STATUS", { sw: response.sw });
    this.selected = true;
  }

  /** The DER X.509 certificate: its length comes from the first DER header, then the rest is read. */
  certificate(): Promise<Uint8Array> {
    return this.queue.run(() => this.certificateNow());
  }

  private async certificateNow(): Promise<Uint8Array> {
    if (this.cachedCertificate) return this.cachedCertificate;
    await this.select();
    const fid = this.profile.certificateFid;
    await this.channel.call(
      { cla: 0, ins: 0xa4, p1: 0x00, p2: 0x00, data: Uint8Array.of(fid >> 8, fid & 0xff) },
      "SELECT certificate",
    );
    const head = await this.channel.call({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: BLOCK }, "READ BINARY certificate");
    const total = derLength(head, this.profile.certificateMaxSize);
    let der = head;
    if (total > head.length) {
      const rest = await this.channel.call(
        { cla: 0, ins: 0xb0, p1: head.length >> 8, p2: head.length & 0xff, le: total - head.length },
        "READ BINARY certificate",
      );
      der = concatBytes(head, rest);
    }
    if (der.length < total)
      throw new RhcError("CARD_DATA_INVALID", { detail: "certificate shorter than its DER length" });
    this.cachedCertificate = der.slice(0, total);
    return this.cachedCertificate;
  }

  private pinBlock(pin: string, what: string): Uint8Array {
    if (!new RegExp(`^\\d{4,${this.profile.pinBlock}}$`).test(pin)) {
      throw new RhcError("INVALID_INPUT", { detail: `${what} must have 4 to ${this.profile.pinBlock} digits` });
    }
    const out = new Uint8Array(this.profile.pinBlock).fill(0xff);
    out.set(Buffer.from(pin, "ascii"));
    return out;
  }

  get isPinVerified(): boolean {
    return this.verified;
  }

  /** VERIFY: wrong PIN → PIN_INVALID {triesLeft}; last try failed or blocked → PIN_BLOCKED. */
  verifyPin(pin: string): Promise<void> {
    return this.queue.run(() => this.verifyPinNow(pin));
  }

  private async verifyPinNow(pin: string): Promise<void> {
    const data = this.pinBlock(pin, "PIN");
    await this.select();
    const { sw } = await this.channel.send({ cla: 0, ins: 0x20, p1: 0, p2: this.profile.pinRef, data });
    if (sw !== 0x9000) {
      this.verified = false;
      throw pinError(sw, "staff card PIN");
    }
    this.verified = true;
  }

  /** Tries left without spending one (VERIFY without data). */
  pinState(): Promise<PinState> {
    return this.queue.run(() => this.pinStateNow());
  }

  private async pinStateNow(): Promise<PinState> {
    await this.select();
    const { sw } = await this.channel.send({ cla: 0, ins: 0x20, p1: 0, p2: this.profile.pinRef });
    if (sw === 0x9000) return { state: "verified" };
    if (sw === 0x6983) return { state: "blocked" };
    const left = triesLeft(sw);
    if (left === 0) return { state: "blocked" };
    return left === undefined ? { state: "unknown" } : { state: "not-verified", triesLeft: left };
  }

  /** CHANGE REFERENCE DATA: old ‖ new. */
  changePin(oldPin: string, newPin: string): Promise<void> {
    return this.queue.run(() => this.changePinNow(oldPin, newPin));
  }

  private async changePinNow(oldPin: string, newPin: string): Promise<void> {
    const data = concatBytes(this.pinBlock(oldPin, "PIN"), this.pinBlock(newPin, "new PIN"));
    await this.select();
    const { sw } = await this.channel.send({ cla: 0, ins: 0x24, p1: 0, p2: this.profile.pinRef, data });
    if (sw !== 0x9000) throw pinError(sw, "staff card PIN change");
  }

  /** RESET RETRY COUNTER with the PUK: PUK ‖ new PIN. */
  unblockPin(puk: string, newPin: string): Promise<void> {
    return this.queue.run(() => this.unblockPinNow(puk, newPin));
  }

  private async unblockPinNow(puk: string, newPin: string): Promise<void> {
    const data = concatBytes(this.pinBlock(puk, "PUK"), this.pinBlock(newPin, "new PIN"));
    await this.select();
    const { sw } = await this.channel.send({ cla: 0, ins: 0x2c, p1: 0, p2: this.profile.pinRef, data });
    if (sw !== 0x9000) throw pinError(sw, "staff card PUK");
  }

  private privateKeyOperation(command: Parameters<ApduChannel["call"]>[0], what: string): Promise<Uint8Array> {
    return this.queue.run(() => this.privateKeyOperationNow(command, what));
  }

  private async privateKeyOperationNow(command: Parameters<ApduChannel["call"]>[0], what: string): Promise<Uint8Array> {
    if (!this.verified) throw new RhcError("PIN_INVALID", { detail: `${what} needs the staff PIN`, retriable: true });
    await this.select();
    const response = await this.channel.send(command);
    if (response.sw !== 0x9000) throw pinError(response.sw, what, true);
    if (response.data.length === 0) throw new RhcError("MALFORMED_RESPONSE", { detail: `${what}: empty signature` });
    return response.data;
  }

  /**
   * Signs a challenge (staff login): INTERNAL AUTHENTICATE, the card signs the challenge as a
   * message with its algorithm (SM2 with Z, ECDSA/RSA over SHA-256).
   */
  signChallenge(challenge: Uint8Array): Promise<Uint8Array> {
    if (challenge.length < 8 || challenge.length > 128) {
      return Promise.reject(new RhcError("INVALID_INPUT", { detail: "a challenge has 8 to 128 bytes" }));
    }
    return this.privateKeyOperation(
      { cla: 0, ins: 0x88, p1: 0, p2: 0, data: challenge, le: 256 },
      "staff challenge signature",
    );
  }

  /** PSO COMPUTE DIGITAL SIGNATURE over a prepared input (SM3/SHA-256 digest, or RSA DigestInfo). */
  signDigest(input: Uint8Array): Promise<Uint8Array> {
    return this.privateKeyOperation({ cla: 0, ins: 0x2a, p1: 0x9e, p2: 0x9a, data: input, le: 256 }, "staff signature");
  }

  close(): Promise<void> {
    return this.queue.run(() => this.channel.connection.disconnect("reset"));
  }
}

/** Total length of the DER element at the start of `bytes` (tag + length octets + content). */
export function derLength(bytes: Uint8Array, max: number): number {
  const invalid = (why: string) => new RhcError("CARD_DATA_INVALID", { detail: `certificate: ${why}` });
  if (bytes.length < 2 || bytes[0] !== 0x30) throw invalid("not a DER SEQUENCE");
  const first = bytes[1]!;
  let length: number;
  let header: number;
  if (first < 0x80) {
    length = first;
    header = 2;
  } else {
    const n = first & 0x7f;
    if (n < 1 || n > 3 || bytes.length < 2 + n) throw invalid("bad length octets");
    length = 0;
    for (let i = 0; i < n; i++) length = (length << 8) | bytes[2 + i]!;
    header = 2 + n;
  }
  if (header + length > max) throw invalid(`${header + length} bytes exceed the ${max}-byte file`);
  return header + length;
}
