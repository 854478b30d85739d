import type { ErrorCode } from "@rhc/errors";
import type { ParsedCertificate } from "./parse.js";

/** Why a chain failed (or what to warn about): one fine-grained code per problem. */

export type ChainReasonCode =
  | "ISSUER_NOT_FOUND"
  | "BAD_SIGNATURE"
  | "UNSUPPORTED_ALGORITHM"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "NOT_A_CA"
  | "PATH_LENGTH_EXCEEDED"
  | "KEY_USAGE"
  | "EXTENDED_KEY_USAGE"
  | "POLICY_MISSING"
  | "UNKNOWN_CRITICAL_EXTENSION"
  | "MALFORMED_EXTENSION"
  | "REVOKED"
  | "REVOCATION_UNKNOWN"
  | "CRL_STALE"
  | "CRL_INVALID";

/** Which RhcError each reason becomes (chainError / assertChainValid). */
export const CHAIN_REASON_ERRORS: Readonly<Record<ChainReasonCode, ErrorCode>> = {
  ISSUER_NOT_FOUND: "CERT_CHAIN_INVALID",
  BAD_SIGNATURE: "CERT_CHAIN_INVALID",
  UNSUPPORTED_ALGORITHM: "CERT_CHAIN_INVALID",
  NOT_A_CA: "CERT_CHAIN_INVALID",
  PATH_LENGTH_EXCEEDED: "CERT_CHAIN_INVALID",
  EXPIRED: "CERT_EXPIRED",
  NOT_YET_VALID: "CERT_EXPIRED",
  KEY_USAGE: "CERT_INVALID",
  EXTENDED_KEY_USAGE: "CERT_INVALID",
  POLICY_MISSING: "CERT_INVALID",
  UNKNOWN_CRITICAL_EXTENSION: "CERT_INVALID",
  MALFORMED_EXTENSION: "CERT_INVALID",
  REVOKED: "CERT_REVOKED",
  REVOCATION_UNKNOWN: "REVOCATION_UNKNOWN",
  CRL_STALE: "REVOCATION_UNKNOWN",
  CRL_INVALID: "REVOCATION_UNKNOWN",
};

export interface ChainReason {
  code: ChainReasonCode;
  message: string;
  /** Subject of the certificate concerned. */
  certificate?: string;
  /** 0 = end entity, 1 = its issuer, … (the trust anchor is last). */
  depth?: number;
}

/** Collects reasons and warnings, each once. */
export class Collector {
  readonly reasons: ChainReason[] = [];
  readonly warnings: ChainReason[] = [];

  add(list: "reasons" | "warnings", code: ChainReasonCode, message: string, cert?: ParsedCertificate, depth?: number) {
    const target = this[list];
    if (target.some((r) => r.code === code && r.depth === depth && r.message === message)) return;
    const reason: ChainReason = { code, message };
    if (cert) reason.certificate = cert.subject;
    if (depth !== undefined) reason.depth = depth;
    target.push(reason);
  }

  fail(code: ChainReasonCode, message: string, cert?: ParsedCertificate, depth?: number) {
    this.add("reasons", code, message, cert, depth);
  }
}
