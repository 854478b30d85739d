// @rhc/crypto — SM2/SM3/SM4 behind two providers, 3DES and ISO 9797-1 MACs, the card key scheme.

export { bytesEqual, concatBytes, fromHex, toHex, xorBytes } from "./bytes.js";
export { type CardKeyScheme, createWst543KeyScheme, wst543KeyScheme } from "./card-keys/card-key-scheme.js";
export {
  type CompactOptions,
  type CompactVerdict,
  type CompactVerifyOptions,
  decodeIssuerCertificate,
  decodeSamCertificate,
  issueIssuerCertificate,
  issueSamCertificate,
  signVisitRecord,
  verifyCompactChain,
  verifyIssuerCertificate,
  verifySamCertificate,
  verifyVisitRecord,
  visitRecordDigest,
} from "./compact/certificates.js";
export {
  type CertificateFormat,
  type IssuerCertificate,
  type IssuerCertificateFields,
  type SamCertificate,
  type SamCertificateFields,
  type Signed,
  type VisitRecordInput,
  wst543CertificateFormat,
} from "./compact/format.js";
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
export { isSm2Key, sm2PublicKeyOf, verifyWithCertificate } from "./x509/certificate-key.js";
export { EXTENDED_KEY_USAGE_OIDS, KEY_USAGE_NAMES, type KeyUsageName } from "./x509/oids.js";
export {
  formatName,
  type ParsedCertificate,
  type ParsedCrl,
  parseCertificate,
  parseCertificates,
  parseCrl,
  parseCrls,
  type RevokedEntry,
} from "./x509/parse.js";
export { derToPem, type PemBlock, readDerObjects, splitPem } from "./x509/pem.js";
export {
  resolvePolicy,
  STAFF_CARD_POLICY,
  type ValidationPolicy,
  type ValidationPolicyInput,
  validationPolicySchema,
} from "./x509/policy.js";
export { CHAIN_REASON_ERRORS, type ChainReason, type ChainReasonCode } from "./x509/reasons.js";
export { Sm2CryptoEngine } from "./x509/sm2-engine.js";
export {
  assertChainValid,
  type CertificateInput,
  type CertificateSummary,
  type ChainValidationResult,
  type CrlInput,
  chainError,
  type ValidateChainOptions,
  validateChain,
} from "./x509/validate.js";
