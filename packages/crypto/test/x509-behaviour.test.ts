import { readVectorBytes, readVectorText } from "@rhc/test-vectors";
import * as pkijs from "pkijs";
import { describe, expect, it } from "vitest";
import {
  assertChainValid,
  chainError,
  getSmProvider,
  parseCertificate,
  parseCertificates,
  parseCrl,
  parseCrls,
  Sm2CryptoEngine,
  STAFF_CARD_POLICY,
  validateChain,
} from "../src/index.js";
import { expectCode } from "./helpers.js";

const at = new Date(JSON.parse(readVectorText("x509/manifest.json")).at as string);
const file = (alg: string, name: string) => readVectorBytes("x509", alg, name);
const crls = (alg: string) => [file(alg, "root.crl"), file(alg, "intermediate.crl")];
const codes = (result: { reasons: { code: string }[] }) => result.reasons.map((r) => r.code).sort();

async function expectRejects(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: "RhcError", code });
}

describe("pkijs traps are guarded", () => {
  it("pkijs' own engine passes a revoked leaf given leaf-first; validateChain rejects it in any order", async () => {
    const [root, inter, leaf] = ["root.pem", "intermediate.pem", "revoked.pem"].map(
      (n) => parseCertificate(pemDer("rsa", n)).pkijs,
    );
    const pkijsCrls = crls("rsa").map((c) => parseCrl(c).pkijs);
    const engine = new Sm2CryptoEngine();
    const trap = await new pkijs.CertificateChainValidationEngine({
      trustedCerts: [root!],
      certs: [leaf!, inter!], // leaf first: pkijs validates the LAST certificate as the end entity
      crls: pkijsCrls,
      checkDate: at,
    }).verify({}, engine);
    expect(trap.result).toBe(true);

    for (const chain of [
      [file("rsa", "revoked.pem"), file("rsa", "intermediate.pem")],
      [file("rsa", "intermediate.pem"), file("rsa", "revoked.pem")],
    ]) {
      const result = await validateChain({ trustAnchors: [file("rsa", "root.pem")], chain, crls: crls("rsa"), at });
      expect(codes(result)).toEqual(["REVOKED"]);
      expect(result.subject).toContain("Revoked Clinician");
    }
  });

  it("no CRL is never 'not revoked': required → failure, optional → a warning per certificate", async () => {
    const options = {
      trustAnchors: [file("ec", "root.pem")],
      chain: [file("ec", "revoked.pem"), file("ec", "intermediate.pem")],
      at,
    };
    const required = await validateChain({ ...options, policy: { revocation: "required" } });
    expect(codes(required)).toEqual(["REVOCATION_UNKNOWN", "REVOCATION_UNKNOWN"]);
    const optional = await validateChain({ ...options, policy: { revocation: "optional" } });
    expect(optional.valid).toBe(true);
    expect(optional.warnings.map((w) => w.code)).toEqual(["REVOCATION_UNKNOWN", "REVOCATION_UNKNOWN"]);
    const defaults = await validateChain(options);
    expect(defaults.valid).toBe(false); // the default policy requires revocation
  });
});

function pemDer(alg: string, name: string): Uint8Array {
  return parseCertificates(file(alg, name))[0]!.der;
}

describe("chain assembly and results", () => {
  it("accepts PEM bundles, DER, any order, and a repeated root; reports path and anchor", async () => {
    const bundle = [
      readVectorText("x509/sm2/intermediate.pem"),
      readVectorText("x509/sm2/root.pem"),
      readVectorText("x509/sm2/clinician.pem"),
    ].join("\n");
    const result = await validateChain({
      trustAnchors: [readVectorText("x509/sm2/root.pem")],
      chain: bundle,
      crls: crls("sm2"),
      at,
      policy: STAFF_CARD_POLICY,
    });
    expect(result.valid).toBe(true);
    expect(result.path.map((p) => p.subject)).toEqual([
      "C=CN, O=rhc-middleware test PKI, CN=测试医生 Clinician (sm2)",
      "C=CN, O=rhc-middleware test PKI, CN=RHC Test Staff CA (sm2)",
      "C=CN, O=rhc-middleware test PKI, CN=RHC Test Root CA (sm2)",
    ]);
    expect(result.trustAnchor).toBe(result.path[2]!.subject);
    expect(result.path[0]!.signatureAlgorithm).toBe("SM2-with-SM3");
    expect(result.issuer).toBe(result.path[1]!.subject);
    expect(Date.parse(result.notAfter)).toBeGreaterThan(at.getTime());
    expect(result.checkedAt).toBe(at.toISOString());
  });

  it.each(["native", "js"] as const)("validates SM2 chains with the %s provider", async (name) => {
    const provider = getSmProvider(name);
    const good = await validateChain({
      trustAnchors: [file("sm2", "root.pem")],
      chain: [file("sm2", "clinician.pem"), file("sm2", "intermediate.pem")],
      crls: crls("sm2"),
      at,
      provider,
    });
    expect(good.valid).toBe(true);
    const bad = await validateChain({
      trustAnchors: [file("sm2", "root.pem")],
      chain: [file("sm2", "bad-signature.pem"), file("sm2", "intermediate.pem")],
      crls: crls("sm2"),
      at,
      provider,
    });
    expect(codes(bad)).toEqual(["BAD_SIGNATURE"]);
  });

  it("names every reason at once", async () => {
    const result = await validateChain({
      trustAnchors: [file("rsa", "root.pem")],
      chain: [file("rsa", "expired.pem"), file("rsa", "intermediate.pem")],
      crls: [file("rsa", "root.crl"), file("rsa", "intermediate-stale.crl")],
      at,
      policy: { requiredExtendedKeyUsage: ["serverAuth"], requiredKeyUsage: ["keyEncipherment"] },
    });
    expect(codes(result)).toEqual(["CRL_STALE", "EXPIRED", "EXTENDED_KEY_USAGE", "KEY_USAGE"]);
    expect(result.reasons.find((r) => r.code === "EXPIRED")).toMatchObject({
      depth: 0,
      certificate: expect.stringContaining("Expired"),
    });
    const error = chainError(result)!;
    expect(error.code).toBe("CERT_INVALID"); // the most severe mapped code, not merely the first reason
    expect(error.detail).toContain("EXPIRED");
  });

  it("wrong trust anchor: the chain's root is self-signed but not trusted", async () => {
    const result = await validateChain({
      trustAnchors: [file("ec", "root.pem")],
      chain: [file("rsa", "clinician.pem"), file("rsa", "intermediate.pem"), file("rsa", "root.pem")],
      crls: crls("rsa"),
      at,
    });
    expect(codes(result)).toContain("ISSUER_NOT_FOUND");
    expect(result.trustAnchor).toBeUndefined();
    expect(result.reasons.find((r) => r.code === "ISSUER_NOT_FOUND")!.message).toContain("self-signed");
  });

  it("a tampered CRL is not usable", async () => {
    const crl = file("ec", "intermediate.crl").slice();
    crl[crl.length - 1]! ^= 1;
    const result = await validateChain({
      trustAnchors: [file("ec", "root.pem")],
      chain: [file("ec", "revoked.pem"), file("ec", "intermediate.pem")],
      crls: [file("ec", "root.crl"), crl],
      at,
    });
    expect(codes(result)).toEqual(["CRL_INVALID"]);
  });

  it("assertChainValid throws the mapped RhcError", async () => {
    const revoked = await validateChain({
      trustAnchors: [file("sm2", "root.pem")],
      chain: [file("sm2", "revoked.pem"), file("sm2", "intermediate.pem")],
      crls: crls("sm2"),
      at,
    });
    expectCode(() => assertChainValid(revoked), "CERT_REVOKED");
    expect(revoked.reasons[0]!.message).toContain("keyCompromise");
    const good = await validateChain({
      trustAnchors: [file("sm2", "root.pem")],
      chain: [file("sm2", "clinician.pem"), file("sm2", "intermediate.pem")],
      crls: crls("sm2"),
      at,
    });
    expect(() => assertChainValid(good)).not.toThrow();
    expect(chainError(good)).toBeUndefined();
  });
});

describe.each(["rsa", "ec", "sm2"])("reasons name the certificate concerned, %s", (alg) => {
  it.each([
    ["KEY_USAGE", "leaf-under-no-cert-sign.pem", "no-cert-sign-ca.pem", 1, "No-keyCertSign CA", "keyCertSign"],
    ["UNKNOWN_CRITICAL_EXTENSION", "unknown-critical.pem", "intermediate.pem", 0, "Unknown-Critical", "1.2.3.4"],
    ["MALFORMED_EXTENSION", "malformed-extension.pem", "intermediate.pem", 0, "Malformed-Extension", "2.5.29.19"],
    ["UNSUPPORTED_ALGORITHM", "leaf-ed25519.pem", "ed25519-ca.pem", 0, "Ed25519-Signed", "Ed25519"],
  ])("%s", async (code, leaf, issuer, depth, certificate, message) => {
    const result = await validateChain({
      trustAnchors: [file(alg, "root.pem")],
      chain: [file(alg, leaf), file(alg, issuer)],
      at,
      policy: { revocation: "optional" },
    });
    expect(result.reasons).toEqual([
      { code, depth, certificate: expect.stringContaining(certificate), message: expect.stringContaining(message) },
    ]);
  });
});

describe("policy knobs", () => {
  const base = {
    trustAnchors: [file("rsa", "root.pem")],
    chain: [file("rsa", "clinician.pem"), file("rsa", "intermediate.pem")],
  };

  it("CRL grace accepts a CRL past its nextUpdate; max age rejects an old one", async () => {
    const stale = [file("rsa", "root.crl"), file("rsa", "intermediate-stale.crl")];
    expect(codes(await validateChain({ ...base, crls: stale, at }))).toEqual(["CRL_STALE"]);
    const grace = 20 * 365 * 86400;
    expect((await validateChain({ ...base, crls: stale, at, policy: { crlGraceSeconds: grace } })).valid).toBe(true);
    const old = await validateChain({
      ...base,
      crls: crls("rsa"),
      at,
      policy: { crlMaxAgeSeconds: 60, clockSkewSeconds: 0 },
    });
    expect(codes(old)).toEqual(["CRL_STALE", "CRL_STALE"]);
  });

  it("a stale CRL cannot prove a certificate good, but still proves one revoked, under any revocation policy", async () => {
    for (const alg of ["rsa", "ec", "sm2"]) {
      const stale = [file(alg, "root.crl"), file(alg, "intermediate-stale.crl")];
      const chain = (leaf: string) => [file(alg, leaf), file(alg, "intermediate.pem")];
      const trustAnchors = [file(alg, "root.pem")];
      const optional = { revocation: "optional" as const };
      const revoked = await validateChain({
        trustAnchors,
        chain: chain("revoked.pem"),
        crls: stale,
        at,
        policy: optional,
      });
      expect(codes(revoked)).toEqual(["REVOKED"]);
      expect(revoked.reasons[0]!.message).toContain("stale CRL");
      expect(revoked.warnings.map((w) => w.code)).toEqual(["CRL_STALE"]);
      const required = await validateChain({ trustAnchors, chain: chain("revoked.pem"), crls: stale, at });
      expect(codes(required)).toEqual(["CRL_STALE", "REVOKED"]);
      // The good certificate: unknown, so admitted under "optional" with the warning only.
      const good = await validateChain({
        trustAnchors,
        chain: chain("clinician.pem"),
        crls: stale,
        at,
        policy: optional,
      });
      expect(good.valid).toBe(true);
      expect(good.warnings.map((w) => w.code)).toEqual(["CRL_STALE"]);
    }
  });

  it("clock skew tolerates a certificate that expired seconds ago", async () => {
    const expired = parseCertificate(pemDer("rsa", "expired.pem"));
    const justAfter = new Date(expired.notAfter.getTime() + 60_000);
    const options = {
      trustAnchors: [file("rsa", "root.pem")],
      chain: [file("rsa", "expired.pem"), file("rsa", "intermediate.pem")],
      policy: { revocation: "optional" as const },
    };
    expect(
      codes(await validateChain({ ...options, at: justAfter, policy: { ...options.policy, clockSkewSeconds: 300 } })),
    ).not.toContain("EXPIRED");
    expect(
      codes(await validateChain({ ...options, at: justAfter, policy: { ...options.policy, clockSkewSeconds: 0 } })),
    ).toContain("EXPIRED");
  });

  it("rejects malformed policies", async () => {
    await expectRejects(
      validateChain({ ...base, at, policy: { revocation: "sometimes" as "required" } }),
      "CRYPTO_INVALID_INPUT",
    );
    await expectRejects(
      validateChain({ ...base, at, policy: { requiredPolicyOids: ["not-an-oid"] } }),
      "CRYPTO_INVALID_INPUT",
    );
    await expectRejects(validateChain({ ...base, at, policy: { extra: true } as never }), "CRYPTO_INVALID_INPUT");
  });
});

describe("malformed X.509 input", () => {
  const der = pemDer("ec", "clinician.pem");

  it("truncated, padded, garbage and empty inputs are CRYPTO_DECODE", () => {
    expectCode(() => parseCertificate(der.subarray(0, der.length - 10)), "CRYPTO_DECODE");
    expectCode(() => parseCertificate(new Uint8Array([...der, 0])), "CRYPTO_DECODE");
    expectCode(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), "CRYPTO_DECODE");
    expectCode(() => parseCertificates(new Uint8Array(0)), "CRYPTO_DECODE");
    expectCode(
      () => parseCertificates("-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n"),
      "CRYPTO_DECODE",
    );
    expectCode(() => parseCertificates("-----BEGIN CERTIFICATE-----\nMIIB"), "CRYPTO_DECODE");
    expectCode(() => parseCertificates("just some text"), "CRYPTO_DECODE");
    expectCode(() => parseCrl(der), "CRYPTO_DECODE");
    expectCode(() => parseCrls(readVectorText("x509/ec/clinician.pem")), "CRYPTO_DECODE");
  });

  it("validateChain rejects bad input with typed errors, not library exceptions", async () => {
    const anchors = [file("ec", "root.pem")];
    await expectRejects(validateChain({ trustAnchors: anchors, chain: der.subarray(0, 100), at }), "CRYPTO_DECODE");
    await expectRejects(validateChain({ trustAnchors: anchors, chain: [], at }), "CRYPTO_INVALID_INPUT");
    await expectRejects(validateChain({ trustAnchors: [], chain: der, at }), "CRYPTO_INVALID_INPUT");
    await expectRejects(
      validateChain({ trustAnchors: anchors, chain: der, at: new Date(Number.NaN) }),
      "CRYPTO_INVALID_INPUT",
    );
    await expectRejects(
      validateChain({ trustAnchors: anchors, chain: der, crls: [new Uint8Array([1, 2, 3])], at }),
      "CRYPTO_DECODE",
    );
  });
});
