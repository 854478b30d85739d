import { UNDERSTOOD_CRL_EXTENSIONS } from "./oids.js";
import type { ParsedCertificate, ParsedCrl, RevokedEntry } from "./parse.js";
import type { ValidationPolicy } from "./policy.js";
import type { ChainReasonCode, Collector } from "./reasons.js";
import type { SignatureCheck, Signed } from "./signature-check.js";

/**
 * CRL-based revocation for one certificate: the newest usable complete CRL of its issuer plus the
 * delta CRLs that apply to it (RFC 5280 §5.2.4). A CRL is usable when its issuer name (and key id)
 * match, the issuer may sign CRLs, the signature verifies, it is not from the future, and it is
 * fresh under the policy (nextUpdate + grace, max age). Without a usable complete CRL the status is
 * unknown: a failure under revocation "required", a warning under "optional". A stale CRL whose
 * signature verifies cannot prove a certificate good, but it still proves one revoked (revocation is
 * not undone by the CRL ageing): that is REVOKED under any policy, so "optional" (fail-open) never
 * admits a certificate the newest cached CRL lists.
 */

function signedCrl(crl: ParsedCrl): Signed {
  return {
    fingerprint: crl.fingerprintSha256,
    verify: (issuer, engine) => crl.pkijs.verify({ issuerCertificate: issuer.pkijs }, engine),
  };
}

type Problem = { code: ChainReasonCode; message: string };

async function crlProblem(
  crl: ParsedCrl,
  issuer: ParsedCertificate,
  at: Date,
  policy: ValidationPolicy,
  verify: SignatureCheck,
): Promise<Problem | undefined> {
  const unknown = crl.criticalExtensions.find((oid) => !UNDERSTOOD_CRL_EXTENSIONS.has(oid));
  if (unknown) return { code: "CRL_INVALID", message: `CRL has unsupported critical extension ${unknown}` };
  if (issuer.keyUsage && !issuer.keyUsage.has("cRLSign")) {
    return { code: "CRL_INVALID", message: "CRL issuer's keyUsage lacks cRLSign" };
  }
  const outcome = await verify(signedCrl(crl), issuer);
  if (outcome !== "ok") {
    return {
      code: "CRL_INVALID",
      message: `CRL signature ${outcome === "bad" ? "does not verify" : "uses an unsupported algorithm"}`,
    };
  }
  const skew = policy.clockSkewSeconds * 1000;
  const now = at.getTime();
  if (crl.thisUpdate.getTime() > now + skew) {
    return { code: "CRL_INVALID", message: `CRL issued ${crl.thisUpdate.toISOString()}, after the validation time` };
  }
  if (crl.nextUpdate && now - skew > crl.nextUpdate.getTime() + policy.crlGraceSeconds * 1000) {
    return { code: "CRL_STALE", message: `CRL expired at ${crl.nextUpdate.toISOString()} (nextUpdate)` };
  }
  if (policy.crlMaxAgeSeconds !== undefined && now - skew - crl.thisUpdate.getTime() > policy.crlMaxAgeSeconds * 1000) {
    return {
      code: "CRL_STALE",
      message: `CRL issued ${crl.thisUpdate.toISOString()} is older than ${policy.crlMaxAgeSeconds} s`,
    };
  }
  return undefined;
}

function newestFirst(a: ParsedCrl, b: ParsedCrl): number {
  if (a.crlNumber !== undefined && b.crlNumber !== undefined && a.crlNumber !== b.crlNumber) {
    return a.crlNumber > b.crlNumber ? -1 : 1;
  }
  return b.thisUpdate.getTime() - a.thisUpdate.getTime();
}

/** The entry deciding the status: the newest applicable delta's entry wins over the complete CRL's. */
function decisiveEntry(serial: string, complete: ParsedCrl, deltas: readonly ParsedCrl[]): RevokedEntry | undefined {
  for (const delta of deltas) {
    const entry = delta.entries.get(serial);
    if (entry) return entry;
  }
  return complete.entries.get(serial);
}

export async function checkRevocation(
  cert: ParsedCertificate,
  depth: number,
  issuer: ParsedCertificate,
  crls: readonly ParsedCrl[],
  at: Date,
  policy: ValidationPolicy,
  verify: SignatureCheck,
  out: Collector,
): Promise<void> {
  const fromIssuer = crls.filter(
    (crl) =>
      crl.pkijs.issuer.isEqual(issuer.pkijs.subject) &&
      (!crl.authorityKeyId || !issuer.subjectKeyId || crl.authorityKeyId === issuer.subjectKeyId),
  );
  const usable: ParsedCrl[] = [];
  const stale: ParsedCrl[] = []; // authentic (signature verified), only too old
  const problems: Problem[] = [];
  for (const crl of fromIssuer) {
    const problem = await crlProblem(crl, issuer, at, policy, verify);
    if (problem) problems.push(problem);
    if (problem?.code === "CRL_STALE") stale.push(crl);
    if (!problem) usable.push(crl);
  }
  const fresh = statusFrom(usable);
  if (!fresh) {
    const problem = problems.find((p) => p.code === "CRL_STALE") ??
      problems[0] ?? { code: "REVOCATION_UNKNOWN" as const, message: `no CRL from "${issuer.subject}"` };
    const list = policy.revocation === "required" ? "reasons" : "warnings";
    out.add(list, problem.code, `revocation not checked: ${problem.message}`, cert, depth);
  }
  const entry = fresh ?? statusFrom(stale);
  if (!entry) return;
  const revoked = entry.get(cert.serialNumber);
  const skew = policy.clockSkewSeconds * 1000;
  if (revoked && revoked.reason !== "removeFromCRL" && revoked.revocationDate.getTime() <= at.getTime() + skew) {
    out.fail(
      "REVOKED",
      `revoked ${revoked.revocationDate.toISOString()}${revoked.reason ? ` (${revoked.reason})` : ""}${fresh ? "" : " (listed in a stale CRL)"}`,
      cert,
      depth,
    );
  }
}

/** The newest complete CRL of `crls` with its applicable deltas, as a serial → deciding entry lookup. */
function statusFrom(crls: readonly ParsedCrl[]): { get(serial: string): RevokedEntry | undefined } | undefined {
  const complete = crls.filter((crl) => crl.deltaBase === undefined).sort(newestFirst)[0];
  if (!complete) return undefined;
  const base = complete.crlNumber;
  const deltas = crls
    .filter(
      (crl) =>
        crl.deltaBase !== undefined &&
        base !== undefined &&
        crl.deltaBase <= base &&
        (crl.crlNumber === undefined || crl.crlNumber > base),
    )
    .sort(newestFirst);
  return { get: (serial) => decisiveEntry(serial, complete, deltas) };
}
