import { RhcError } from "@rhc/errors";
import { bytesToBigInt, concatBytes } from "../bytes.js";
import { assertBytes, assertLength, invalidInput } from "../guards.js";
import { assertSm2PublicKey, SM2_DEFAULT_USER_ID } from "../sm2/curve.js";
import { decodeCn, decodeDate, encodeCn, encodeDate } from "./bcd.js";

/**
 * Compact card certificates and the visit-record signed message. Their layouts are not public
 * (health-card-spec §4.6, [P]), so they sit behind CertificateFormat; wst543CertificateFormat is
 * the project's layout.
 */

export interface IssuerCertificateFields {
  /** Identifier of the CA (root) key that signs the certificate, 4 bytes. */
  caKeyId: Uint8Array;
  /** 发卡机构代码, data element 04: up to 22 digits. */
  issuerCode: string;
  /** YYYYMMDD, last valid day (China date). */
  expiry: string;
  /** Certificate serial, 0..0xFFFFFF. */
  serial: number;
  /** Issuer SM2 public key, 04 ‖ x ‖ y. */
  publicKey: Uint8Array;
}

export interface SamCertificateFields {
  /** Links to the issuer certificate's issuerCode. */
  issuerCode: string;
  /** SAM serial number (SAM EF0015 bytes 0–9). */
  samSerial: Uint8Array;
  /** Terminal number (SAM EF0016), 6 bytes. */
  terminalNumber: Uint8Array;
  /** YYYYMMDD first valid day. */
  effective: string;
  /** YYYYMMDD last valid day. */
  expiry: string;
  serial: number;
  publicKey: Uint8Array;
}

export interface Signed<T> {
  fields: T;
  /** The bytes the signature covers. */
  signedData: Uint8Array;
  /** r ‖ s, 64 bytes. */
  signature: Uint8Array;
  /** The whole encoded certificate. */
  encoded: Uint8Array;
}

export type IssuerCertificate = Signed<IssuerCertificateFields>;
export type SamCertificate = Signed<SamCertificateFields>;

export interface VisitRecordInput {
  /** 卡号 (KH): the 18-character ID number as text, or its 18 card bytes. */
  cardNumber: string | Uint8Array;
  /** File of the record, e.g. 0xED01 or 0xEE02. */
  fid: number;
  /** Record bytes that are signed (ED: bytes 0–3012, EE: bytes 0–1638). */
  data: Uint8Array;
}

/** The [P] strategy: byte layouts, the signed message of a record, the SM2 user ID. */
export interface CertificateFormat {
  readonly id: string;
  readonly issuerLength: number;
  readonly samLength: number;
  readonly userId: Uint8Array;
  /** The part of an issuer certificate that the CA signs. */
  encodeIssuerBody(fields: IssuerCertificateFields): Uint8Array;
  encodeSamBody(fields: SamCertificateFields): Uint8Array;
  decodeIssuer(encoded: Uint8Array): IssuerCertificate;
  decodeSam(encoded: Uint8Array): SamCertificate;
  /** M in SM3(Z_SAM ‖ M) for a visit record. */
  recordMessage(record: VisitRecordInput): Uint8Array;
}

const HASH_SM3 = 0x07;
const KEY_SM2 = 0x04;
const KEY_LENGTH = 0x40;
const ISSUER_FORMAT = 0x12;
const SAM_FORMAT = 0x14;
const ISSUER_LENGTH = 180;
const SAM_LENGTH = 190;
const SIGNATURE_LENGTH = 64;

function serial3(serial: number): Uint8Array {
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffff) throw invalidInput("serial must be 0..0xFFFFFF");
  return new Uint8Array([serial >>> 16, (serial >>> 8) & 0xff, serial & 0xff]);
}

function publicKeyXY(publicKey: Uint8Array): Uint8Array {
  assertSm2PublicKey(publicKey);
  return publicKey.subarray(1);
}

function keyBlock(publicKey: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([HASH_SM3, KEY_SM2, KEY_LENGTH]), publicKeyXY(publicKey));
}

function decodeError(detail: string): RhcError {
  return new RhcError("CRYPTO_DECODE", { detail });
}

/** Reads fields at fixed offsets; wrong sizes or constants are CRYPTO_DECODE. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  take(offset: number, length: number): Uint8Array {
    return this.bytes.slice(offset, offset + length);
  }

  expect(offset: number, value: number, field: string): void {
    if (this.bytes[offset] !== value) {
      throw decodeError(
        `${this.what}: ${field} is ${this.bytes[offset]?.toString(16)}, expected ${value.toString(16)}`,
      );
    }
  }

  publicKey(offset: number): Uint8Array {
    this.expect(offset, HASH_SM3, "hash algorithm");
    this.expect(offset + 1, KEY_SM2, "public-key algorithm");
    this.expect(offset + 2, KEY_LENGTH, "public-key length");
    const key = concatBytes(new Uint8Array([0x04]), this.take(offset + 3, 64));
    try {
      assertSm2PublicKey(key);
    } catch {
      throw decodeError(`${this.what}: public key is not a point on the SM2 curve`);
    }
    return key;
  }

  zeros(offset: number, length: number): void {
    if (this.take(offset, length).some((b) => b !== 0)) throw decodeError(`${this.what}: reserved bytes are not zero`);
  }

  serial(offset: number): number {
    return Number(bytesToBigInt(this.take(offset, 3)));
  }
}

function checkLength(encoded: Uint8Array, length: number, what: string): void {
  assertBytes(encoded, what);
  if (encoded.length !== length) throw decodeError(`${what} must be ${length} bytes, got ${encoded.length}`);
}

function cardNumberBytes(cardNumber: string | Uint8Array): Uint8Array {
  if (typeof cardNumber !== "string") {
    assertLength(cardNumber, 18, "card number");
    return cardNumber;
  }
  if (!/^[\x21-\x7e]{1,18}$/.test(cardNumber))
    throw invalidInput("card number must be 1–18 printable ASCII characters");
  const out = new Uint8Array(18); // ans: left-justified, 0x00-padded
  out.set(new TextEncoder().encode(cardNumber));
  return out;
}

/** The project's layouts of health-card-spec §4.6 [P]. */
export const wst543CertificateFormat: CertificateFormat = Object.freeze({
  id: "wst543-compact-v1",
  issuerLength: ISSUER_LENGTH,
  samLength: SAM_LENGTH,
  userId: SM2_DEFAULT_USER_ID,
  encodeIssuerBody(f: IssuerCertificateFields) {
    assertLength(f.caKeyId, 4, "CA key id");
    return concatBytes(
      new Uint8Array([ISSUER_FORMAT]),
      f.caKeyId,
      encodeCn(f.issuerCode, 11),
      encodeDate(f.expiry, "expiry"),
      serial3(f.serial),
      keyBlock(f.publicKey),
      new Uint8Array(26),
    );
  },
  encodeSamBody(f: SamCertificateFields) {
    assertLength(f.samSerial, 10, "SAM serial number");
    assertLength(f.terminalNumber, 6, "terminal number");
    return concatBytes(
      new Uint8Array([SAM_FORMAT]),
      encodeCn(f.issuerCode, 11),
      f.samSerial,
      f.terminalNumber,
      encodeDate(f.effective, "effective date"),
      encodeDate(f.expiry, "expiry"),
      serial3(f.serial),
      keyBlock(f.publicKey),
      new Uint8Array(20),
    );
  },
  decodeIssuer(encoded: Uint8Array): IssuerCertificate {
    checkLength(encoded, ISSUER_LENGTH, "issuer certificate");
    const r = new Reader(encoded, "issuer certificate");
    r.expect(0, ISSUER_FORMAT, "format");
    r.zeros(90, 26);
    return {
      fields: {
        caKeyId: r.take(1, 4),
        issuerCode: decodeCn(r.take(5, 11), "issuer code"),
        expiry: decodeDate(r.take(16, 4), "expiry"),
        serial: r.serial(20),
        publicKey: r.publicKey(23),
      },
      signedData: r.take(0, ISSUER_LENGTH - SIGNATURE_LENGTH),
      signature: r.take(ISSUER_LENGTH - SIGNATURE_LENGTH, SIGNATURE_LENGTH),
      encoded: encoded.slice(),
    };
  },
  decodeSam(encoded: Uint8Array): SamCertificate {
    checkLength(encoded, SAM_LENGTH, "SAM certificate");
    const r = new Reader(encoded, "SAM certificate");
    r.expect(0, SAM_FORMAT, "format");
    r.zeros(106, 20);
    return {
      fields: {
        issuerCode: decodeCn(r.take(1, 11), "issuer code"),
        samSerial: r.take(12, 10),
        terminalNumber: r.take(22, 6),
        effective: decodeDate(r.take(28, 4), "effective date"),
        expiry: decodeDate(r.take(32, 4), "expiry"),
        serial: r.serial(36),
        publicKey: r.publicKey(39),
      },
      signedData: r.take(0, SAM_LENGTH - SIGNATURE_LENGTH),
      signature: r.take(SAM_LENGTH - SIGNATURE_LENGTH, SIGNATURE_LENGTH),
      encoded: encoded.slice(),
    };
  },
  recordMessage(record: VisitRecordInput) {
    if (!Number.isInteger(record.fid) || record.fid < 0 || record.fid > 0xffff)
      throw invalidInput("FID must be 0..0xFFFF");
    assertBytes(record.data, "record data");
    return concatBytes(
      cardNumberBytes(record.cardNumber),
      new Uint8Array([record.fid >>> 8, record.fid & 0xff]),
      record.data,
    );
  },
});
