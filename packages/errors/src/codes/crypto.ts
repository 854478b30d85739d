import type { ErrorTable } from "./types.js";

/** Cryptography, certificates and revocation. */
export const CRYPTO_ERRORS = {
  CRYPTO_INVALID_KEY: {
    retriable: false,
    http: 400,
    zh: "密钥长度或格式错误。",
    en: "The key has a wrong length or format.",
  },
  CRYPTO_INVALID_INPUT: {
    retriable: false,
    http: 400,
    zh: "加解密输入数据不合法（长度或填充错误）。",
    en: "The cryptographic input is invalid (length or padding).",
  },
  CRYPTO_UNSUPPORTED: {
    retriable: false,
    http: 400,
    zh: "不支持的算法。",
    en: "Unsupported algorithm.",
  },
  CRYPTO_DECODE: {
    retriable: false,
    http: 400,
    zh: "证书或密钥数据格式错误（DER/PEM 无法解析）。",
    en: "Certificate or key data is malformed (DER/PEM cannot be parsed).",
  },
  SIGNATURE_INVALID: {
    retriable: false,
    http: 422,
    zh: "签名验证失败。",
    en: "Signature verification failed.",
  },
  CERT_INVALID: {
    retriable: false,
    http: 422,
    zh: "证书无效：请联系 CA 或信息科。",
    en: "The certificate is invalid: contact the CA or IT support.",
  },
  CERT_EXPIRED: {
    retriable: false,
    http: 422,
    zh: "证书已过期或尚未生效：请更换证书，并检查本机时间。",
    en: "The certificate has expired or is not yet valid: renew it and check this computer's clock.",
  },
  CERT_REVOKED: {
    retriable: false,
    http: 422,
    zh: "证书已被吊销：该卡不能再使用。",
    en: "The certificate is revoked: this card may no longer be used.",
  },
  CERT_CHAIN_INVALID: {
    retriable: false,
    http: 422,
    zh: "证书链验证失败：证书不是由受信任的 CA 签发。",
    en: "Certificate chain validation failed: the certificate was not issued by a trusted CA.",
  },
  REVOCATION_UNKNOWN: {
    retriable: true,
    http: 503,
    zh: "无法确认证书吊销状态（吊销列表缺失或过期）：请联网同步后重试。",
    en: "Revocation status cannot be confirmed (CRL missing or stale): connect to sync, then retry.",
  },
} as const satisfies ErrorTable;
