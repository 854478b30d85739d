import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readVectorText, vectorPath } from "@rhc/test-vectors";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { sm2SignatureToDer, toHex } from "../src/index.js";
import { bytes } from "./helpers.js";

const at = (JSON.parse(readVectorText("x509/manifest.json")) as { at: string }).at;
const x = (alg: string, name: string) => vectorPath("x509", alg, name);

async function cli(argv: string[], stdin = new Uint8Array()) {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readFile: async (p) => new Uint8Array(await readFile(p)),
    readStdin: async () => stdin,
  });
  return { code, out, err };
}

const chainArgs = (alg: string, leaf: string, issuer = "intermediate.pem") => [
  "verify-chain",
  "--trust",
  x(alg, "root.pem"),
  "--chain",
  x(alg, leaf),
  "--chain",
  x(alg, issuer),
  "--crl",
  x(alg, "root.crl"),
  "--crl",
  x(alg, "intermediate.crl"),
  "--at",
  at,
];

describe("rhc-crypto verify-chain", () => {
  it.each(["rsa", "ec", "sm2"])("%s: a good clinician chain prints valid JSON and exits 0", async (alg) => {
    const { code, out } = await cli([
      ...chainArgs(alg, "clinician.der"),
      "--require-revocation",
      "--eku",
      "clientAuth",
      "--key-usage",
      "digitalSignature",
    ]);
    const verdict = JSON.parse(out) as {
      valid: boolean;
      reasons: unknown[];
      subject: string;
      issuer: string;
      notAfter: string;
    };
    expect(verdict).toMatchObject({ valid: true, reasons: [] });
    expect(verdict.subject).toContain("Clinician");
    expect(verdict.issuer).toContain("Staff CA");
    expect(Date.parse(verdict.notAfter)).toBeGreaterThan(Date.parse(at));
    expect(code).toBe(0);
  });

  it("revoked and expired leaves exit 1 with their reasons", async () => {
    const revoked = await cli([...chainArgs("sm2", "revoked.pem"), "--require-revocation"]);
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.out).reasons.map((r: { code: string }) => r.code)).toEqual(["REVOKED"]);
    const expired = await cli(chainArgs("ec", "expired.pem"));
    expect(expired.code).toBe(1);
    expect(JSON.parse(expired.out).reasons.map((r: { code: string }) => r.code)).toEqual(["EXPIRED"]);
  });

  it.each([
    ["UNKNOWN_CRITICAL_EXTENSION", "unknown-critical.pem", "intermediate.pem"],
    ["MALFORMED_EXTENSION", "malformed-extension.pem", "intermediate.pem"],
    ["UNSUPPORTED_ALGORITHM", "leaf-ed25519.pem", "ed25519-ca.pem"],
    ["KEY_USAGE", "leaf-under-no-cert-sign.pem", "no-cert-sign-ca.pem"],
  ])("prints %s and exits 1", async (reason, leaf, issuer) => {
    const { code, out } = await cli(chainArgs("ec", leaf, issuer));
    const verdict = JSON.parse(out) as { valid: boolean; reasons: { code: string }[] };
    expect(verdict.valid).toBe(false);
    expect(verdict.reasons.map((r) => r.code)).toEqual([reason]);
    expect(code).toBe(1);
  });

  it("without --require-revocation a missing CRL is a warning; with it, a failure", async () => {
    const base = [
      "verify-chain",
      "--trust",
      x("rsa", "root.pem"),
      "--chain",
      x("rsa", "clinician.pem"),
      "--chain",
      x("rsa", "intermediate.pem"),
      "--at",
      at,
    ];
    const optional = await cli(base);
    expect(optional.code).toBe(0);
    expect(JSON.parse(optional.out).warnings).toHaveLength(2);
    expect((await cli([...base, "--require-revocation"])).code).toBe(1);
  });

  it("bad usage and unreadable or malformed files exit 2 with a problem on stderr", async () => {
    expect((await cli(["verify-chain", "--chain", x("rsa", "clinician.pem")])).code).toBe(2);
    expect((await cli(["verify-chain", "--trust", x("rsa", "root.pem"), "--chain", "/nonexistent.pem"])).code).toBe(2);
    const malformed = await cli([
      "verify-chain",
      "--trust",
      x("rsa", "root.pem"),
      "--chain",
      vectorPath("crypto", "openssl.json"),
    ]);
    expect(malformed.code).toBe(2);
    expect(JSON.parse(malformed.err.split("\n")[0]!).error.code).toBe("CRYPTO_DECODE");
    expect(
      (
        await cli([
          "verify-chain",
          "--trust",
          x("rsa", "root.pem"),
          "--chain",
          x("rsa", "clinician.pem"),
          "--at",
          "yesterday",
        ])
      ).code,
    ).toBe(2);
    expect((await cli(["frobnicate"])).code).toBe(2);
    expect((await cli(["sm3", "--bogus"])).code).toBe(2);
  });
});

describe("rhc-crypto diagnostics", () => {
  it("sm3 of text, hex and stdin; both providers", async () => {
    const expected = "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0\n";
    expect((await cli(["sm3", "--text", "abc"])).out).toBe(expected);
    expect((await cli(["sm3", "--hex", "616263", "--provider", "js"])).out).toBe(expected);
    expect((await cli(["sm3"], new TextEncoder().encode("abc"))).out).toBe(expected);
  });

  it("sm4-encrypt / sm4-decrypt round trip with CBC and padding", async () => {
    const key = "0123456789ABCDEFFEDCBA9876543210";
    const enc = await cli(["sm4-encrypt", "--key", key, "--hex", key]);
    expect(enc.out).toBe("681EDF34D206965E86B3E94F536E4246\n");
    const opts = ["--key", key, "--mode", "cbc", "--iv", "00".repeat(16), "--padding", "iso9797-m2"];
    const cbc = await cli(["sm4-encrypt", ...opts, "--hex", "48656C6C6F"]);
    const dec = await cli(["sm4-decrypt", ...opts, "--hex", cbc.out.trim()]);
    expect(dec.out).toBe("48656C6C6F\n");
    const badKey = await cli(["sm4-encrypt", "--key", "0011", "--hex", key]);
    expect(badKey.code).toBe(2);
    expect(badKey.err).toContain("CRYPTO_INVALID_KEY");
    expect(badKey.err).not.toContain("0011");
  });

  it("sm2-verify with a public key or an SM2 certificate, raw or DER, custom user ID", async () => {
    const v = JSON.parse(readVectorText("crypto/gm-standard.json")).sm2 as Record<string, string>;
    const rs = `${v.r}${v.s}`;
    const ok = await cli(["sm2-verify", "--public-key", v.publicKey!, "--signature", rs, "--text", "message digest"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).valid).toBe(true);
    const der = toHex(sm2SignatureToDer(bytes(rs)));
    expect(
      (
        await cli([
          "sm2-verify",
          "--public-key",
          v.publicKey!,
          "--signature",
          der,
          "--text",
          "message digest",
          "--user-id",
          "other",
        ])
      ).code,
    ).toBe(1);
    expect(
      (await cli(["sm2-verify", "--public-key", v.publicKey!, "--signature", rs, "--digest", "--hex", v.e!])).code,
    ).toBe(0);
    const o = JSON.parse(readVectorText("crypto/openssl.json")).sm2[1] as Record<string, string>;
    expect(
      (
        await cli([
          "sm2-verify",
          "--public-key",
          o.publicKey!,
          "--signature",
          o.signatureDer!,
          "--hex",
          o.messageHex!,
          "--user-id",
          o.userId!,
        ])
      ).code,
    ).toBe(0);
    const fromCert = await cli(["sm2-verify", "--cert", x("sm2", "clinician.pem"), "--signature", rs, "--text", "x"]);
    expect(fromCert.code).toBe(1);
    expect(JSON.parse(fromCert.out).publicKey).toMatch(/^04[0-9A-F]{128}$/);
    expect(
      (await cli(["sm2-verify", "--cert", x("rsa", "clinician.pem"), "--signature", rs, "--text", "x"])).err,
    ).toContain("CRYPTO_UNSUPPORTED");
  });
});

describe("rhc-crypto as a process", () => {
  it("runs from source with tsx and exits with the verdict", async () => {
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const bin = fileURLToPath(new URL("../src/cli/bin.ts", import.meta.url));
    const run = promisify(execFile);
    const good = await run(process.execPath, [
      "--import",
      tsx,
      "--conditions=source",
      bin,
      ...chainArgs("sm2", "clinician.pem"),
    ]);
    expect(JSON.parse(good.stdout).valid).toBe(true);
    const bad = await run(process.execPath, [
      "--import",
      tsx,
      "--conditions=source",
      bin,
      ...chainArgs("sm2", "revoked.pem"),
    ]).catch((e: { code: number; stdout: string }) => e);
    expect("code" in bad && bad.code).toBe(1);
  });
});
