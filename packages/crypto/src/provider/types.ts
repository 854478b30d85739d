/** The public shape of an SM2/SM3/SM4 implementation. Both providers give byte-identical results. */

export type SmProviderName = "native" | "js";
export type SmProviderChoice = "auto" | SmProviderName;

export type Sm4Mode = "ecb" | "cbc";
/** SM4 padding: none (data must be block-aligned) or ISO/IEC 9797-1 method 2 (`80 00 …`). */
export type Sm4Padding = "none" | "iso9797-m2";

/** Options of the block ciphers (SM4, 3DES). */
export interface BlockCipherOptions {
  mode: Sm4Mode;
  /** One block (16 bytes SM4, 8 bytes DES), required for CBC and rejected for ECB. */
  iv?: Uint8Array;
  /** Default "none". With "iso9797-m2" encrypt pads and decrypt checks and strips the padding. */
  padding?: Sm4Padding;
}

export type Sm4Options = BlockCipherOptions;

/** SM2 distinguishing (user) ID: bytes, or a string taken as UTF-8. Default "1234567812345678". */
export type Sm2UserId = Uint8Array | string;

export interface Sm2Options {
  userId?: Sm2UserId;
}

export interface Sm2KeyPair {
  /** 32-byte scalar d. */
  privateKey: Uint8Array;
  /** 65-byte uncompressed point 04 ‖ x ‖ y. */
  publicKey: Uint8Array;
}

export interface Sm3Hasher {
  update(data: Uint8Array): this;
  /** Returns the 32-byte digest; the hasher cannot be updated afterwards. */
  digest(): Uint8Array;
}

export interface Sm4Api {
  encrypt(key: Uint8Array, data: Uint8Array, options: Sm4Options): Uint8Array;
  decrypt(key: Uint8Array, data: Uint8Array, options: Sm4Options): Uint8Array;
}

export interface Sm2Api {
  generateKeyPair(): Sm2KeyPair;
  publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array;
  /** GB/T 32918 signature over e = SM3(Z ‖ message); returns raw r ‖ s (64 bytes). */
  sign(privateKey: Uint8Array, message: Uint8Array, options?: Sm2Options): Uint8Array;
  /**
   * Verifies r ‖ s (64 bytes) or DER. A well-formed but wrong signature gives false; a signature
   * that is neither 64 bytes nor valid DER is CRYPTO_DECODE.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options?: Sm2Options): boolean;
  /** Signs a caller-computed 32-byte e (what a SAM's PSO COMPUTE DIGITAL SIGNATURE does). */
  signDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array;
  verifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean;
  /** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA). */
  z(publicKey: Uint8Array, userId?: Sm2UserId): Uint8Array;
}

export interface SmProvider {
  readonly name: SmProviderName;
  sm3(data: Uint8Array): Uint8Array;
  createSm3(): Sm3Hasher;
  readonly sm4: Sm4Api;
  readonly sm2: Sm2Api;
}
