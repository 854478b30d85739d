import { bytesEqual, decodeIssuerCertificate, verifyIssuerCertificate } from "@rhc/crypto";
import { isRhcError, toRhcError } from "@rhc/errors";
import { toHex } from "../util/hex.js";

/** A configured trust anchor: the CA (root) SM2 public key (04 ‖ x ‖ y) and optionally its key id. */
export interface TrustedRoot {
  readonly publicKey: Uint8Array;
  /** The 4-byte CA key identifier written in issuer certificates; without it every root is tried. */
  readonly keyId?: Uint8Array;
  readonly label?: string;
}

export type CheckStatus = "passed" | "failed" | "skipped" | "error";

export interface CheckResult {
  readonly status: CheckStatus;
  /** Why it did not pass (reason codes of @rhc/crypto, error codes, mismatches). */
  readonly reasons: readonly string[];
}

/** Which checks passed: the card is genuine only when every check ran and passed. */
export interface AuthenticityResult {
  readonly genuine: boolean;
  readonly checks: {
    /** The card proved it holds IRKDDF1, verified through the SAM (spec §6.12). */
    readonly internalAuthentication: CheckResult;
    /** Element 05 verifies with a configured root, is valid today and names the card's issuer code. */
    readonly issuerCertificate: CheckResult;
  };
}

export const passed: CheckResult = { status: "passed", reasons: [] };

export function errored(error: unknown): CheckResult {
  const e = toRhcError(error, "INTERNAL");
  // A card pulled or a dead service is not a verdict on the card: callers rethrow those.
  return { status: "error", reasons: [e.code] };
}

/** True for failures that say nothing about the card's authenticity (the card or service went away). */
export function isInfrastructureFailure(error: unknown): boolean {
  return (
    isRhcError(error) &&
    ["CARD_REMOVED", "NO_CARD", "PCSC_UNAVAILABLE", "CARD_MUTE", "TRANSMIT_FAILED", "NO_READER", "CARD_RESET"].includes(
      error.code,
    )
  );
}

/**
 * Checks the issuer certificate (element 05) against the configured roots at China date `at`
 * (YYYYMMDD; default today) and that it names the card's issuer code (element 04).
 */
export function checkIssuerCertificate(
  certificate: Uint8Array,
  issuerCode: string,
  roots: readonly TrustedRoot[],
  at?: string,
): CheckResult {
  if (roots.length === 0) return { status: "skipped", reasons: ["NO_TRUSTED_ROOT"] };
  if (certificate.every((b) => b === 0) || certificate.every((b) => b === 0xff)) {
    return { status: "failed", reasons: ["NO_CERTIFICATE"] };
  }
  let keyId: Uint8Array;
  let certifiedCode: string;
  try {
    const decoded = decodeIssuerCertificate(certificate);
    keyId = decoded.fields.caKeyId;
    certifiedCode = decoded.fields.issuerCode;
  } catch {
    return { status: "failed", reasons: ["MALFORMED_CERTIFICATE"] };
  }
  const candidates = roots.filter((r) => !r.keyId || bytesEqual(r.keyId, keyId));
  if (candidates.length === 0) return { status: "failed", reasons: [`UNKNOWN_ROOT ${toHex(keyId)}`] };
  let reasons: string[] = [];
  for (const root of candidates) {
    const verdict = verifyIssuerCertificate(certificate, root.publicKey, at ? { at } : {});
    if (verdict.valid) {
      reasons = [];
      break;
    }
    reasons = verdict.reasons.map((r) => r.code);
  }
  if (certifiedCode !== issuerCode) reasons.push(`ISSUER_CODE_MISMATCH ${certifiedCode}≠${issuerCode}`);
  return reasons.length === 0 ? passed : { status: "failed", reasons: [...new Set(reasons)] };
}
