import { sm2GenerateKeyPair } from "@rhc/crypto";
import { describe, expect, it } from "vitest";
import { signList, verifyList } from "./list-signature.js";
import { sm2ListSigner, sm2ListVerifier } from "./sm2-list-signature.js";

describe("SM2 list signatures", () => {
  const keys = sm2GenerateKeyPair();
  const signer = sm2ListSigner({ keyId: "k1", privateKey: keys.privateKey });
  const verifier = sm2ListVerifier({ k1: keys.publicKey });
  const body = { kind: "hotlist.snapshot", listVersion: 3, entries: [{ cardKey: "HC1", status: "blocked" }] };

  it("verifies what was signed over canonical JSON (key order does not matter)", () => {
    const sig = signList(signer, body);
    expect(sig).toMatchObject({ keyId: "k1", alg: "SM2-SM3" });
    expect(verifyList(verifier, { entries: body.entries, listVersion: 3, kind: "hotlist.snapshot" }, sig)).toBe(true);
  });
  it("refuses tampered data, unknown keys, other algorithms and garbage", () => {
    const sig = signList(signer, body);
    expect(verifyList(verifier, { ...body, listVersion: 4 }, sig)).toBe(false);
    expect(verifyList(verifier, body, { ...sig, keyId: "k2" })).toBe(false);
    expect(verifyList(verifier, body, { ...sig, alg: "Ed25519" })).toBe(false);
    expect(verifyList(verifier, body, { ...sig, value: "AAAA" })).toBe(false);
  });
});
