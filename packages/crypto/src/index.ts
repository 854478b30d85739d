// @rhc/crypto — SM2/SM3/SM4 behind two providers, 3DES and ISO 9797-1 MACs, the card key scheme.

export { bytesEqual, concatBytes, fromHex, toHex, xorBytes } from "./bytes.js";
export { type CardKeyScheme, createWst543KeyScheme, wst543KeyScheme } from "./card-keys/card-key-scheme.js";
export { type BlockPadding, padIso9797M1, padIso9797M2, unpadIso9797M2 } from "./padding.js";
export type { SmBackend } from "./provider/backend.js";
export { createSmProvider } from "./provider/provider.js";
export {
  getSmProvider,
  nativeSmAvailable,
  SM_PROVIDER_ENV,
  setDefaultSmProvider,
} from "./provider/registry.js";
export type {
  BlockCipherOptions,
  Sm2Api,
  Sm2KeyPair,
  Sm2Options,
  Sm2UserId,
  Sm3Hasher,
  Sm4Api,
  Sm4Mode,
  Sm4Options,
  Sm4Padding,
  SmProvider,
  SmProviderChoice,
  SmProviderName,
} from "./provider/types.js";
export {
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm2SignDigest,
  sm2Verify,
  sm2VerifyDigest,
  sm2Z,
  sm3,
  sm4CbcMac,
  sm4DecryptCbc,
  sm4DecryptEcb,
  sm4EncryptCbc,
  sm4EncryptEcb,
} from "./sm.js";
export { SM2_CURVE, SM2_DEFAULT_USER_ID } from "./sm2/curve.js";
export { sm2SignatureFromDer, sm2SignatureToDer } from "./sm2/signature.js";
export { type IsoMacOptions, isoMac1, isoMac3 } from "./tdes/iso9797-mac.js";
export { type TdesOptions, tdesDecrypt, tdesEncrypt } from "./tdes/tdes.js";
