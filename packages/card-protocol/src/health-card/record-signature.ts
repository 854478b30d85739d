import { concatBytes, sm2VerifyDigest, sm2Z, sm3 } from "@rhc/crypto";
import { RhcError } from "@rhc/errors";
import { encodeAns } from "../codec/ans.js";
import { elementDef } from "./elements.js";

/** What a visit-record signature covers (spec §4.6). */
export interface RecordSignatureInput {
  /** The SAM certificate stored with the record (190 bytes); its public key signs the record. */
  readonly samCertificate: Uint8Array;
  /** Element 08, the card number. */
  readonly cardNumber: string;
  /** FID of the EE0n / ED0n file. */
  readonly fid: number;
  /** The record data: EE bytes 0–1638, ED bytes 0–3012. */
  readonly data: Uint8Array;
}

/**
 * [P] How visit records are signed (spec §4.6): the hash the SAM signs with `00 2A 9E 9A`, and
 * its verification. Swap it if the real signed message surfaces.
 */
export interface RecordSignatureScheme {
  readonly name: string;
  digest(input: RecordSignatureInput): Uint8Array;
  verify(input: RecordSignatureInput, signature: Uint8Array): boolean;
}

/** [P] SAM certificate layout (spec §4.6): the SM2 public key X‖Y at bytes 42–105. */
const SAM_CERT_SIZE = 190;
const SAM_CERT_KEY = { offset: 42, length: 64 } as const;

function samPublicKey(certificate: Uint8Array): Uint8Array {
  if (certificate.length !== SAM_CERT_SIZE) {
    throw new RhcError("CARD_DATA_INVALID", { detail: `SAM certificate of ${certificate.length} bytes` });
  }
  const xy = certificate.subarray(SAM_CERT_KEY.offset, SAM_CERT_KEY.offset + SAM_CERT_KEY.length);
  return concatBytes(Uint8Array.of(0x04), xy);
}

/**
 * The project's scheme: `e = SM3(Z_SAM ‖ KH(18) ‖ FID(2) ‖ data)` with the GB/T 32918 default
 * user ID; binding card number and file stops a signed record being moved to another card or slot.
 */
export const PROJECT_RECORD_SIGNATURE: RecordSignatureScheme = {
  name: "sm2-kh-fid-data",
  digest(input) {
    const publicKey = samPublicKey(input.samCertificate);
    const kh = encodeAns(input.cardNumber, elementDef("cardNumber").length, elementDef("cardNumber"));
    const message = concatBytes(kh, Uint8Array.of(input.fid >> 8, input.fid & 0xff), input.data);
    return sm3(concatBytes(sm2Z(publicKey), message));
  },
  verify(input, signature) {
    if (signature.length !== 64) return false;
    try {
      return sm2VerifyDigest(samPublicKey(input.samCertificate), this.digest(input), signature);
    } catch {
      // A certificate whose key is not on the curve cannot have signed anything.
      return false;
    }
  },
};
