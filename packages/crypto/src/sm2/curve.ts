import { bigIntToBytes, bytesToBigInt, concatBytes, fromHex } from "../bytes.js";
import { assertBytes, invalidInput, invalidKey } from "../guards.js";

/** The SM2 recommended curve of GB/T 32918.5 (OID 1.2.156.10197.1.301). */
export const SM2_CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;

/** a ‖ b ‖ xG ‖ yG, the curve part of every Z value. */
export const SM2_CURVE_Z_BYTES: Uint8Array = concatBytes(
  ...[SM2_CURVE.a, SM2_CURVE.b, SM2_CURVE.gx, SM2_CURVE.gy].map((v) => bigIntToBytes(v, 32)),
);

/** The default distinguishing ID of GM/T 0009 / GB/T 32918 ("1234567812345678"). */
export const SM2_DEFAULT_USER_ID: Uint8Array = new TextEncoder().encode("1234567812345678");

/** DER SubjectPublicKeyInfo prefix for an SM2 point: id-ecPublicKey + sm2 curve, BIT STRING of 66. */
export const SM2_SPKI_PREFIX: Uint8Array = fromHex("3059301306072a8648ce3d020106082a811ccf5501822d034200");

/**
 * Checks an uncompressed public point `04 ‖ x ‖ y` (65 bytes): coordinates in the field and on the
 * curve. Both providers run this first, so an invalid key fails identically (CRYPTO_INVALID_KEY).
 */
export function assertSm2PublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!(publicKey instanceof Uint8Array)) throw invalidKey("SM2 public key must be a Uint8Array");
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) {
    throw invalidKey(`SM2 public key must be 65 bytes 04‖x‖y, got ${publicKey.length} bytes`);
  }
  const { p, a, b } = SM2_CURVE;
  const x = bytesToBigInt(publicKey.subarray(1, 33));
  const y = bytesToBigInt(publicKey.subarray(33, 65));
  if (x >= p || y >= p) throw invalidKey("SM2 public key coordinate outside the field");
  if ((y * y - (((x * x) % p) * x + a * x + b)) % p !== 0n) throw invalidKey("SM2 public key is not on the curve");
}

/** Private scalar d: 32 bytes with 1 ≤ d ≤ n − 2 (GB/T 32918.1; d = n − 1 has no (1 + d)⁻¹). */
export function assertSm2PrivateKey(privateKey: unknown): asserts privateKey is Uint8Array {
  if (!(privateKey instanceof Uint8Array)) throw invalidKey("SM2 private key must be a Uint8Array");
  if (privateKey.length !== 32) throw invalidKey(`SM2 private key must be 32 bytes, got ${privateKey.length}`);
  const d = bytesToBigInt(privateKey);
  if (d < 1n || d > SM2_CURVE.n - 2n) throw invalidKey("SM2 private key outside 1..n-2");
}

/** The user ID as bytes (strings are UTF-8); its bit length must fit the 16-bit ENTL field. */
export function userIdBytes(userId: Uint8Array | string | undefined): Uint8Array {
  if (userId === undefined) return SM2_DEFAULT_USER_ID;
  const id = typeof userId === "string" ? new TextEncoder().encode(userId) : userId;
  assertBytes(id, "SM2 user ID");
  if (id.length * 8 > 0xffff) throw invalidInput("SM2 user ID longer than 8191 bytes");
  return id;
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) with the given SM3 (each provider passes its own). */
export function computeZ(sm3: (data: Uint8Array) => Uint8Array, publicKey: Uint8Array, userId: Uint8Array): Uint8Array {
  const bits = userId.length * 8;
  return sm3(concatBytes(new Uint8Array([bits >>> 8, bits & 0xff]), userId, SM2_CURVE_Z_BYTES, publicKey.subarray(1)));
}
