import { createHash, createPublicKey, verify, X509Certificate } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { sm2Verify, sm2VerifyDigest, sm2Z, sm3 } from "@rhc/crypto";
import { readVectorText } from "@rhc/test-vectors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeStaffCardImage } from "../src/generator/staff.js";
import { TestDesk } from "../src/testing/index.js";
import { inProcess } from "./support/in-process.js";
import { hex, Terminal } from "./support/terminal.js";

// CA staff cards with the openssl-generated test PKI (test-vectors/x509: leaf certificates with
// their private keys), one per algorithm.
const ALGORITHMS = ["rsa", "ec", "sm2"] as const;
const cert = (alg: string) => readVectorText("x509", alg, "clinician.pem");
const key = (alg: string) => readVectorText("x509", alg, "clinician.key");
const image = (alg: string) => makeStaffCardImage({ certificate: cert(alg), privateKey: key(alg), pin: "2468" });
const pinBlock = (pin: string) => Buffer.from(pin, "ascii").toString("hex").padEnd(16, "f");

/** The raw SM2 point 04 ‖ x ‖ y: the last 65 bytes of the SPKI. */
const sm2Point = (pem: string) =>
  new Uint8Array(new X509Certificate(pem).publicKey.export({ format: "der", type: "spki" })).slice(-65);

async function readCertificate(t: Terminal): Promise<Uint8Array> {
  await t.c("00A404000AF052484353544146460100");
  await t.c("00A4000002C000");
  const head = await t.c("00B0000004");
  const length = 4 + ((head[2]! << 8) | head[3]!);
  return t.readBinary(length);
}

function checkSignature(alg: string, pem: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (alg === "sm2") return sm2Verify(sm2Point(pem), message, signature);
  const publicKey = new X509Certificate(pem).publicKey;
  return verify("sha256", message, alg === "ec" ? { key: publicKey, dsaEncoding: "ieee-p1363" } : publicKey, signature);
}

describe("CA staff card (in process)", () => {
  for (const alg of ALGORITHMS) {
    it(`${alg}: certificate, PIN, PSO COMPUTE DIGITAL SIGNATURE and INTERNAL AUTHENTICATE`, async () => {
      const card = inProcess(image(alg));
      const t = new Terminal(card.transmit, card.transmit);
      const der = await readCertificate(t);
      expect(Buffer.from(der).equals(new X509Certificate(cert(alg)).raw)).toBe(true);
      const challenge = Uint8Array.from(Buffer.from("0011223344556677", "hex"));
      expect(await t.cSw(hex("0088000008", challenge, "00"))).toBe(0x6982);
      expect(await t.cSw(`0020000108${pinBlock("1357")}`)).toBe(0x63c2);
      expect(await t.cSw("0020000100")).toBe(0x63c2);
      await t.c(`0020000108${pinBlock("2468")}`);
      const auth = await t.c(hex("0088000008", challenge, "00"));
      expect(checkSignature(alg, cert(alg), challenge, auth)).toBe(true);
      const message = new TextEncoder().encode("visit record 2025-11-20");
      let input: Uint8Array;
      if (alg === "sm2") input = sm3(new Uint8Array([...sm2Z(sm2Point(cert(alg))), ...message]));
      else if (alg === "ec") input = new Uint8Array(createHash("sha256").update(message).digest());
      else {
        const digest = createHash("sha256").update(message).digest();
        input = new Uint8Array([...Buffer.from("3031300d060960864801650304020105000420", "hex"), ...digest]);
      }
      const signature = await t.c(hex("002A9E9A", input.length, input, "00"));
      if (alg === "sm2") expect(sm2VerifyDigest(sm2Point(cert(alg)), input, signature)).toBe(true);
      else if (alg === "ec") {
        const point = new Uint8Array(createPublicKey(cert(alg)).export({ format: "der", type: "spki" })).slice(-65);
        expect(p256.verify(signature, input, point, { prehash: false })).toBe(true);
      } else expect(checkSignature(alg, cert(alg), message, signature)).toBe(true);
    });
  }

  it("blocks the PIN after 3 wrong tries and the PUK resets it", async () => {
    const card = inProcess(image("sm2"));
    const t = new Terminal(card.transmit, card.transmit);
    await readCertificate(t);
    for (const sw of [0x63c2, 0x63c1, 0x63c0, 0x6983]) expect(await t.cSw(`0020000108${pinBlock("0000")}`)).toBe(sw);
    expect(await t.cSw(`0020000108${pinBlock("2468")}`)).toBe(0x6983);
    expect(await t.cSw(`002C000110${pinBlock("87654321")}${pinBlock("1111")}`)).toBe(0x63c4);
    await t.c(`002C000110${pinBlock("12345678")}${pinBlock("1111")}`);
    await t.c(`0020000108${pinBlock("1111")}`);
    await t.c(`0024000110${pinBlock("1111")}${pinBlock("2222")}`);
    expect(await t.cSw(`0020000108${pinBlock("1111")}`)).toBe(0x63c2);
    expect(await t.cSw(`00200001043132FFFF`)).toBe(0x6700);
  });
});

describe("CA staff card through pcscd", () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await TestDesk.open();
  });
  afterAll(async () => {
    await desk?.close();
  });

  it("signs a challenge after PIN verification in the staff reader", async () => {
    await desk.insert("staff", { type: "staff", options: { image: image("ec") } });
    const conn = await desk.transport.connect(desk.readerName("staff"));
    const t = new Terminal(
      (a) => conn.transmit(a),
      (a) => conn.transmit(a),
    );
    const der = await readCertificate(t);
    expect(new X509Certificate(Buffer.from(der)).subject).toContain("Clinician (ec)");
    await t.c(`0020000108${pinBlock("2468")}`);
    const challenge = Uint8Array.from(Buffer.from("A1A2A3A4A5A6A7A8A9AA", "hex"));
    const signature = await t.c(hex("008800000A", challenge, "00"));
    expect(checkSignature("ec", cert("ec"), challenge, signature)).toBe(true);
    await conn.disconnect();
  });
});
