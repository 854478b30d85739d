import { decodeSamCertificate, verifyVisitRecord, visitRecordDigest } from "@rhc/crypto";

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

/**
 * The project's scheme, from @rhc/crypto's compact-certificate format: `e = SM3(Z_SAM ‖ KH(18) ‖
 * FID(2) ‖ data)`; binding card number and file stops a signed record being moved to another card
 * or slot. The SAM public key comes from the SAM certificate stored with the record.
 */
export const PROJECT_RECORD_SIGNATURE: RecordSignatureScheme = {
  name: "wst543-compact",
  digest(input) {
    const { publicKey } = decodeSamCertificate(input.samCertificate).fields;
    return visitRecordDigest(publicKey, input);
  },
  verify(input, signature) {
    try {
      const { publicKey } = decodeSamCertificate(input.samCertificate).fields;
      return verifyVisitRecord(publicKey, input, signature);
    } catch {
      // An undecodable certificate or a key off the curve cannot have signed anything.
      return false;
    }
  },
};
