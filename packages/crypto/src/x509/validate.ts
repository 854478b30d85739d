import { type ErrorCode, RhcError } from "@rhc/errors";
import { invalidInput } from "../guards.js";
import type { SmProvider } from "../provider/types.js";
import { OID, UNDERSTOOD_CERT_EXTENSIONS } from "./oids.js";
import { type ParsedCertificate, type ParsedCrl, parseCertificates, parseCrls } from "./parse.js";
import { ekuOid, resolvePolicy, type ValidationPolicy, type ValidationPolicyInput } from "./policy.js";
import { CHAIN_REASON_ERRORS, type ChainReason, Collector } from "./reasons.js";
import { checkRevocation } from "./revocation.js";
import { type SignatureCheck, signatureChecker, signedCertificate } from "./signature-check.js";
import { Sm2CryptoEngine } from "./sm2-engine.js";

/**
 * X.509 path validation (an RFC 5280 subset) for RSA, ECDSA and SM2 chains, on pkijs objects and
 * pkijs signature checks. It does not use pkijs' CertificateChainValidationEngine because that
 * engine stops at the first failure (we must name every reason), silently skips revocation when
 * no CRL is given, and takes whichever certificate is LAST as the end entity (a revoked leaf
 * passed in leaf-first order validates as good). Here the path is built by name and signature from
 * the leaf up, in whatever order the chain arrives, and revocation follows an explicit policy.
 */

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  fingerprintSha256: string;
}

export interface ChainValidationResult {
  valid: boolean;
  reasons: ChainReason[];
  /** Not failures under the policy, but worth showing (e.g. revocation not checked). */
  warnings: ChainReason[];
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** End entity first, trust anchor last (when one was reached). */
  path: CertificateSummary[];
  trustAnchor: string | undefined;
  checkedAt: string;
}

export type CertificateInput = Uint8Array | string | ParsedCertificate;
export type CrlInput = Uint8Array | string | ParsedCrl;

export interface ValidateChainOptions {
  trustAnchors: readonly CertificateInput[];
  /** End entity and intermediates in any order (PEM bundles allowed); the end entity is the one that issued none of the others. */
  chain: CertificateInput | readonly CertificateInput[];
  crls?: readonly CrlInput[];
  /** Validation time, default now. */
  at?: Date;
  policy?: ValidationPolicyInput;
  /** SM provider for SM2 signatures (default provider when omitted). */
  provider?: SmProvider;
}

const MAX_PATH = 8;
const defaultEngine = new Sm2CryptoEngine();

function isParsed<T extends object>(value: unknown, key: keyof T): value is T {
  return typeof value === "object" && value !== null && !(value instanceof Uint8Array) && key in value;
}

function toCertificates(inputs: readonly CertificateInput[]): ParsedCertificate[] {
  return inputs.flatMap((input) =>
    isParsed<ParsedCertificate>(input, "fingerprintSha256") ? [input] : parseCertificates(input),
  );
}

function toCrls(inputs: readonly CrlInput[]): ParsedCrl[] {
  return inputs.flatMap((input) => (isParsed<ParsedCrl>(input, "entries") ? [input] : parseCrls(input)));
}

export function summarize(cert: ParsedCertificate): CertificateSummary {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    signatureAlgorithm: cert.signatureAlgorithm,
    fingerprintSha256: cert.fingerprintSha256,
  };
}

export function namesEqual(a: ParsedCertificate["pkijs"]["subject"], b: ParsedCertificate["pkijs"]["subject"]) {
  return a.isEqual(b);
}

function issues(issuer: ParsedCertificate, child: ParsedCertificate): boolean {
  if (issuer === child || !namesEqual(issuer.pkijs.subject, child.pkijs.issuer)) return false;
  // Key identifiers disambiguate re-keyed CAs with the same name; absent on either side → names decide.
  return !child.authorityKeyId || !issuer.subjectKeyId || child.authorityKeyId === issuer.subjectKeyId;
}

/** The end entity: the first certificate that issued none of the others (works leaf-first or leaf-last). */
function pickLeaf(certs: readonly ParsedCertificate[]): ParsedCertificate {
  const issuesNothing = certs.filter((c) => !certs.some((other) => issues(c, other)));
  return issuesNothing[0] ?? certs[0]!;
}

async function buildPath(
  leaf: ParsedCertificate,
  pool: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  verify: SignatureCheck,
  out: Collector,
): Promise<{ path: ParsedCertificate[]; anchor: ParsedCertificate | undefined }> {
  const anchorPrints = new Set(anchors.map((a) => a.fingerprintSha256));
  if (anchorPrints.has(leaf.fingerprintSha256)) return { path: [], anchor: leaf };
  const path = [leaf];
  for (;;) {
    const current = path[path.length - 1]!;
    const depth = path.length - 1;
    // Anchors first, so a chain that repeats the root stops at the trusted copy.
    const candidates = [...anchors, ...pool].filter((c) => issues(c, current));
    if (candidates.length === 0) {
      const selfSigned = namesEqual(current.pkijs.subject, current.pkijs.issuer);
      out.fail(
        "ISSUER_NOT_FOUND",
        selfSigned
          ? "self-signed certificate is not a trust anchor"
          : `issuer "${current.issuer}" is neither a trust anchor nor in the supplied chain`,
        current,
        depth,
      );
      return { path, anchor: undefined };
    }
    let chosen: ParsedCertificate | undefined;
    let failure: "bad" | "unsupported" = "bad";
    for (const candidate of candidates) {
      const outcome = await verify(signedCertificate(current), candidate);
      if (outcome === "ok") {
        chosen = candidate;
        break;
      }
      if (outcome === "unsupported") failure = "unsupported";
    }
    if (!chosen) {
      chosen = candidates[0]!;
      if (failure === "unsupported") {
        out.fail(
          "UNSUPPORTED_ALGORITHM",
          `signature algorithm ${current.signatureAlgorithm} is not supported`,
          current,
          depth,
        );
      } else {
        out.fail("BAD_SIGNATURE", `signature does not verify with the key of "${chosen.subject}"`, current, depth);
      }
    }
    if (anchorPrints.has(chosen.fingerprintSha256)) return { path, anchor: chosen };
    if (path.includes(chosen) || path.length >= MAX_PATH) {
      out.fail("ISSUER_NOT_FOUND", "no path to a trust anchor (loop or too long)", current, depth);
      return { path, anchor: undefined };
    }
    path.push(chosen);
  }
}

function checkDates(cert: ParsedCertificate, depth: number, at: Date, policy: ValidationPolicy, out: Collector) {
  const skew = policy.clockSkewSeconds * 1000;
  if (at.getTime() + skew < cert.notBefore.getTime()) {
    out.fail("NOT_YET_VALID", `not valid before ${cert.notBefore.toISOString()}`, cert, depth);
  }
  if (at.getTime() - skew > cert.notAfter.getTime()) {
    out.fail("EXPIRED", `expired at ${cert.notAfter.toISOString()}`, cert, depth);
  }
}

function checkExtensions(cert: ParsedCertificate, depth: number, out: Collector) {
  for (const oid of cert.criticalExtensions) {
    if (!UNDERSTOOD_CERT_EXTENSIONS.has(oid))
      out.fail("UNKNOWN_CRITICAL_EXTENSION", `critical extension ${oid}`, cert, depth);
  }
  for (const problem of cert.extensionErrors) out.fail("MALFORMED_EXTENSION", problem, cert, depth);
}

function checkIssuer(cert: ParsedCertificate, depth: number, isAnchor: boolean, out: Collector) {
  // A v1 root without extensions is acceptable as an anchor; an intermediate must say CA:TRUE.
  const ca = cert.basicConstraints?.ca ?? (isAnchor && cert.pkijs.extensions === undefined);
  if (!ca)
    out.fail("NOT_A_CA", "issues certificates but is not a CA (basicConstraints CA:FALSE or absent)", cert, depth);
  if (cert.keyUsage && !cert.keyUsage.has("keyCertSign")) {
    out.fail("KEY_USAGE", "issues certificates but keyUsage lacks keyCertSign", cert, depth);
  }
  const limit = cert.basicConstraints?.pathLength;
  // Intermediates between this CA and the end entity (self-issued ones are not counted).
  if (limit !== undefined && depth - 1 > limit) {
    out.fail("PATH_LENGTH_EXCEEDED", `pathLen ${limit} allows ${limit} CA(s) below, found ${depth - 1}`, cert, depth);
  }
}

function checkLeaf(leaf: ParsedCertificate, policy: ValidationPolicy, out: Collector) {
  for (const usage of policy.requiredKeyUsage) {
    if (!leaf.keyUsage) {
      out.fail("KEY_USAGE", `keyUsage extension missing (needs ${usage})`, leaf, 0);
    } else if (!leaf.keyUsage.has(usage)) {
      out.fail("KEY_USAGE", `keyUsage lacks ${usage}`, leaf, 0);
    }
  }
  for (const wanted of policy.requiredExtendedKeyUsage) {
    if (!leaf.extendedKeyUsage?.includes(ekuOid(wanted))) {
      out.fail("EXTENDED_KEY_USAGE", `extendedKeyUsage lacks ${wanted}`, leaf, 0);
    }
  }
}

function checkPolicies(path: readonly ParsedCertificate[], policy: ValidationPolicy, out: Collector) {
  if (policy.requiredPolicyOids.length === 0) return;
  path.forEach((cert, depth) => {
    const asserted = cert.policies ?? [];
    const ok =
      asserted.some((oid) => policy.requiredPolicyOids.includes(oid)) ||
      (depth > 0 && asserted.includes(OID.anyPolicy));
    if (!ok) out.fail("POLICY_MISSING", `asserts none of ${policy.requiredPolicyOids.join(", ")}`, cert, depth);
  });
}

/** Validates a chain and names every reason it fails. Malformed input throws CRYPTO_DECODE. */
export async function validateChain(options: ValidateChainOptions): Promise<ChainValidationResult> {
  const policy = resolvePolicy(options.policy);
  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw invalidInput("validation time is not a valid Date");
  const anchors = toCertificates(options.trustAnchors);
  if (anchors.length === 0) throw invalidInput("at least one trust anchor is required");
  const certs = toCertificates(Array.isArray(options.chain) ? options.chain : [options.chain as CertificateInput]);
  if (certs.length === 0) throw invalidInput("the chain is empty");
  const crls = toCrls(options.crls ?? []);
  const engine = options.provider ? new Sm2CryptoEngine(options.provider) : defaultEngine;
  const verify = signatureChecker(engine);
  const out = new Collector();

  const leaf = pickLeaf(certs);
  const { path, anchor } = await buildPath(leaf, certs, anchors, verify, out);
  const all = anchor ? [...path, anchor] : path;

  all.forEach((cert, depth) => {
    checkDates(cert, depth, at, policy, out);
    checkExtensions(cert, depth, out);
    if (depth > 0) checkIssuer(cert, depth, cert === anchor, out);
  });
  if (path.length > 0) checkLeaf(path[0]!, policy, out);
  checkPolicies(path, policy, out);
  for (let depth = 0; depth < path.length; depth++) {
    const issuer = all[depth + 1];
    if (issuer) await checkRevocation(path[depth]!, depth, issuer, crls, at, policy, verify, out);
  }

  return {
    valid: out.reasons.length === 0,
    reasons: out.reasons,
    warnings: out.warnings,
    subject: leaf.subject,
    issuer: leaf.issuer,
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    path: all.map(summarize),
    trustAnchor: anchor?.subject,
    checkedAt: at.toISOString(),
  };
}

/** Most severe first: a revoked card must say "revoked" even when its CRL is also old. */
const ERROR_SEVERITY: readonly ErrorCode[] = [
  "CERT_REVOKED",
  "CERT_CHAIN_INVALID",
  "CERT_INVALID",
  "CERT_EXPIRED",
  "REVOCATION_UNKNOWN",
];

/** The RhcError for a failed result (its most severe code, every reason in the detail), else undefined. */
export function chainError(result: ChainValidationResult): RhcError | undefined {
  if (result.reasons.length === 0) return undefined;
  const present = new Set(result.reasons.map((r) => CHAIN_REASON_ERRORS[r.code]));
  const code = ERROR_SEVERITY.find((c) => present.has(c)) ?? "CERT_INVALID";
  return new RhcError(code, {
    detail: result.reasons
      .map((r) => `${r.code}: ${r.message}${r.certificate ? ` [${r.certificate}]` : ""}`)
      .join("; "),
    data: { reasons: result.reasons, subject: result.subject },
  });
}

export function assertChainValid(result: ChainValidationResult): void {
  const error = chainError(result);
  if (error) throw error;
}
