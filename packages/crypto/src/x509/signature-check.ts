import type { ParsedCertificate } from "./parse.js";
import type { Sm2CryptoEngine } from "./sm2-engine.js";

/** Signature checks of certificates and CRLs through the pkijs engine, each pair verified once. */

export type SignatureOutcome = "ok" | "bad" | "unsupported";

export interface Signed {
  fingerprint: string;
  verify(issuer: ParsedCertificate, engine: Sm2CryptoEngine): Promise<boolean>;
}

export type SignatureCheck = (signed: Signed, issuer: ParsedCertificate) => Promise<SignatureOutcome>;

export function signedCertificate(cert: ParsedCertificate): Signed {
  return {
    fingerprint: cert.fingerprintSha256,
    verify: (issuer, engine) => cert.pkijs.verify(issuer.pkijs, engine),
  };
}

/** pkijs throws (rather than returning false) for algorithms it cannot map to WebCrypto. */
const UNSUPPORTED = /unsupported|unknown|not supported|algorithm/i;

export function signatureChecker(engine: Sm2CryptoEngine): SignatureCheck {
  const cache = new Map<string, Promise<SignatureOutcome>>();
  return (signed, issuer) => {
    const key = `${signed.fingerprint}|${issuer.fingerprintSha256}`;
    let result = cache.get(key);
    if (!result) {
      result = signed.verify(issuer, engine).then(
        (ok): SignatureOutcome => (ok ? "ok" : "bad"),
        (error: unknown): SignatureOutcome =>
          UNSUPPORTED.test(error instanceof Error ? error.message : "") ? "unsupported" : "bad",
      );
      cache.set(key, result);
    }
    return result;
  };
}
