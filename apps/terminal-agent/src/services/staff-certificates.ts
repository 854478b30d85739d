import {
  type CertificateInput,
  type ChainReason,
  type ChainValidationResult,
  chainError,
  STAFF_CARD_POLICY,
  validateChain,
} from "@rhc/crypto";
import { RhcError } from "@rhc/errors";
import type { OperationPolicy } from "../config/schema.js";

/** Reasons that say "revocation could not be checked", as opposed to "this certificate is bad". */
const REVOCATION_UNKNOWN = new Set<ChainReason["code"]>(["REVOCATION_UNKNOWN", "CRL_STALE", "CRL_INVALID"]);

export interface StaffCertificateVerdict {
  result: ChainValidationResult;
  /** False when a fail-open policy let the operation through without a usable CRL. */
  revocationChecked: boolean;
  warnings: ChainReason[];
}

export interface StaffCertificateOptions {
  trustAnchors: readonly CertificateInput[];
  /** The cached CRLs (base and delta) at the time of the check. */
  crls: () => readonly Uint8Array[];
  crlGraceHours: number;
  clock?: () => Date;
}

/**
 * Validates a staff (clinician) card's certificate chain against the configured CAs and the CRLs
 * cached by the sync store, under the operation's revocation policy: fail-closed refuses when
 * revocation is unknown (no, stale or invalid CRL); fail-open lets it through with a warning. A
 * revoked, expired or wrongly issued certificate is refused under either policy.
 */
export class StaffCertificateChecker {
  constructor(private readonly options: StaffCertificateOptions) {}

  async check(chain: readonly CertificateInput[], policy: OperationPolicy): Promise<StaffCertificateVerdict> {
    if (this.options.trustAnchors.length === 0) {
      throw new RhcError("CERT_CHAIN_INVALID", { detail: "no staff CA configured (trust.staffCaFiles)" });
    }
    const result = await validateChain({
      trustAnchors: this.options.trustAnchors,
      chain,
      crls: this.options.crls(),
      at: (this.options.clock ?? (() => new Date()))(),
      policy: {
        ...STAFF_CARD_POLICY,
        revocation: "required",
        crlGraceSeconds: Math.round(this.options.crlGraceHours * 3600),
      },
    });
    const unknown = result.reasons.filter((r) => REVOCATION_UNKNOWN.has(r.code));
    const decisive = result.reasons.filter((r) => !REVOCATION_UNKNOWN.has(r.code));
    // A certificate a stale (but authentic) CRL lists is REVOKED, a decisive reason: fail-open never admits it.
    const failOpen = policy === "fail-open" && decisive.length === 0 && unknown.length > 0;
    const effective: ChainValidationResult = failOpen
      ? { ...result, valid: true, reasons: [], warnings: [...result.warnings, ...unknown] }
      : result;
    const error = chainError(effective);
    if (error) {
      // The operator sees why: every reason with its certificate, plus the policy that applied.
      throw new RhcError(error.code, {
        ...(error.detail ? { detail: error.detail } : {}),
        data: { ...error.data, policy, warnings: effective.warnings },
      });
    }
    return { result: effective, revocationChecked: unknown.length === 0, warnings: effective.warnings };
  }
}
