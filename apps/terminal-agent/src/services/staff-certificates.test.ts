import { readVectorBytes, readVectorJson, readVectorText } from "@rhc/test-vectors";
import { describe, expect, it } from "vitest";
import { StaffCertificateChecker } from "./staff-certificates.js";

const manifest = readVectorJson("x509/manifest.json") as { at: string };
const at = new Date(manifest.at);
const pem = (name: string) => readVectorText("x509/sm2", name);
const crl = (name: string) => readVectorBytes("x509/sm2", name);

function checker(crls: string[]) {
  return new StaffCertificateChecker({
    trustAnchors: [pem("root.pem")],
    crls: () => crls.map(crl),
    crlGraceHours: 0,
    clock: () => at,
  });
}

const fresh = ["root.crl", "intermediate.crl"];

describe("staff certificate checks (SM2 test PKI)", () => {
  it("accepts a valid clinician chain with fresh CRLs", async () => {
    const v = await checker(fresh).check([pem("clinician.pem"), pem("intermediate.pem")], "fail-closed");
    expect(v.revocationChecked).toBe(true);
    expect(v.result.valid).toBe(true);
    expect(v.result.subject).toMatch(/CN=/);
  });

  it.each([
    ["revoked.pem", "CERT_REVOKED", "REVOKED"],
    ["expired.pem", "CERT_EXPIRED", "EXPIRED"],
    ["wrong-issuer.pem", "CERT_CHAIN_INVALID", "ISSUER_NOT_FOUND"],
  ])("refuses %s under either policy and says why", async (leaf, code, reason) => {
    for (const policy of ["fail-closed", "fail-open"] as const) {
      await expect(checker(fresh).check([pem(leaf), pem("intermediate.pem")], policy)).rejects.toMatchObject({
        code,
        data: { reasons: expect.arrayContaining([expect.objectContaining({ code: reason })]), policy },
      });
    }
  });

  it("stale or missing CRLs: fail-closed refuses with REVOCATION_UNKNOWN, fail-open admits with a warning", async () => {
    const chain = [pem("clinician.pem"), pem("intermediate.pem")];
    await expect(checker(["root.crl", "intermediate-stale.crl"]).check(chain, "fail-closed")).rejects.toMatchObject({
      code: "REVOCATION_UNKNOWN",
      retriable: true,
    });
    await expect(checker([]).check(chain, "fail-closed")).rejects.toMatchObject({ code: "REVOCATION_UNKNOWN" });
    const open = await checker(["root.crl", "intermediate-stale.crl"]).check(chain, "fail-open");
    expect(open.revocationChecked).toBe(false);
    expect(open.warnings).toContainEqual(expect.objectContaining({ code: "CRL_STALE" }));
    // Fail-open never admits a revoked certificate whose CRL is known.
    await expect(
      checker(fresh).check([pem("revoked.pem"), pem("intermediate.pem")], "fail-open"),
    ).rejects.toMatchObject({
      code: "CERT_REVOKED",
    });
  });

  it("fail-open still refuses a certificate that a stale CRL lists as revoked", async () => {
    const stale = checker(["root.crl", "intermediate-stale.crl"]);
    await expect(stale.check([pem("revoked.pem"), pem("intermediate.pem")], "fail-open")).rejects.toMatchObject({
      code: "CERT_REVOKED",
      data: {
        policy: "fail-open",
        reasons: expect.arrayContaining([
          expect.objectContaining({ code: "REVOKED", depth: 0, message: expect.stringContaining("stale CRL") }),
        ]),
      },
    });
    // The same stale CRL does not list the good clinician: fail-open admits it, unchecked.
    const open = await stale.check([pem("clinician.pem"), pem("intermediate.pem")], "fail-open");
    expect(open.revocationChecked).toBe(false);
  });

  it("refuses when no staff CA is configured", async () => {
    const none = new StaffCertificateChecker({ trustAnchors: [], crls: () => [], crlGraceHours: 0 });
    await expect(none.check([pem("clinician.pem")], "fail-open")).rejects.toMatchObject({ code: "CERT_CHAIN_INVALID" });
  });
});
