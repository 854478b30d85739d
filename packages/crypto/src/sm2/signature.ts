import { RhcError } from "@rhc/errors";
import { bigIntToBytes, bytesToBigInt, concatBytes } from "../bytes.js";
import { assertBytes } from "../guards.js";
import { SM2_CURVE } from "./curve.js";

/** SM2 signatures travel as raw r‖s (64 bytes, cards and compact certificates) or DER (X.509, CMS). */

function decodeError(detail: string): RhcError {
  return new RhcError("CRYPTO_DECODE", { detail: `SM2 signature DER: ${detail}` });
}

function derInteger(value: bigint): Uint8Array {
  let body = bigIntToBytes(value, 32);
  let start = 0;
  while (start < body.length - 1 && body[start] === 0) start++;
  body = body.subarray(start);
  if ((body[0]! & 0x80) !== 0) body = concatBytes(new Uint8Array([0]), body);
  return concatBytes(new Uint8Array([0x02, body.length]), body);
}

/** r‖s (64 bytes) → DER SEQUENCE { INTEGER r, INTEGER s }. */
export function sm2SignatureToDer(signature: Uint8Array): Uint8Array {
  assertBytes(signature, "signature");
  if (signature.length !== 64)
    throw new RhcError("CRYPTO_INVALID_INPUT", { detail: "raw SM2 signature must be 64 bytes" });
  const body = concatBytes(
    derInteger(bytesToBigInt(signature.subarray(0, 32))),
    derInteger(bytesToBigInt(signature.subarray(32))),
  );
  return concatBytes(new Uint8Array([0x30, body.length]), body);
}

function readInteger(der: Uint8Array, at: number): { value: bigint; next: number } {
  if (der[at] !== 0x02) throw decodeError("INTEGER expected");
  const len = der[at + 1];
  if (len === undefined || len === 0 || len > 33 || at + 2 + len > der.length) throw decodeError("bad INTEGER length");
  const body = der.subarray(at + 2, at + 2 + len);
  if ((body[0]! & 0x80) !== 0) throw decodeError("negative INTEGER");
  if (len > 1 && body[0] === 0 && (body[1]! & 0x80) === 0) throw decodeError("non-minimal INTEGER");
  const value = bytesToBigInt(body);
  if (value >= 2n ** 256n) throw decodeError("INTEGER wider than 256 bits");
  return { value, next: at + 2 + len };
}

/** DER → r‖s (64 bytes). Strict DER (short-form lengths, minimal integers); anything else is CRYPTO_DECODE. */
export function sm2SignatureFromDer(der: Uint8Array): Uint8Array {
  assertBytes(der, "signature");
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) throw decodeError("SEQUENCE expected");
  const r = readInteger(der, 2);
  const s = readInteger(der, r.next);
  if (s.next !== der.length) throw decodeError("trailing bytes");
  return concatBytes(bigIntToBytes(r.value, 32), bigIntToBytes(s.value, 32));
}

/**
 * Accepts r‖s (exactly 64 bytes) or DER (anything else) and returns r‖s, or undefined when r or s
 * is outside 1..n−1 (such a signature is simply invalid, not malformed).
 */
export function normalizeSignature(signature: Uint8Array): Uint8Array | undefined {
  assertBytes(signature, "signature");
  const raw = signature.length === 64 ? signature : sm2SignatureFromDer(signature);
  const r = bytesToBigInt(raw.subarray(0, 32));
  const s = bytesToBigInt(raw.subarray(32));
  const inRange = (v: bigint) => v >= 1n && v < SM2_CURVE.n;
  return inRange(r) && inRange(s) ? raw : undefined;
}
