import { makeResidentImage, regionPki, toRegion } from "@rhc/card-sim";
import { TestDesk } from "@rhc/card-sim/testing";
import { decodeIssuerCertificate } from "@rhc/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HealthCardSession } from "../src/health-card/session.js";
import { SamSession } from "../src/sam/sam-session.js";
import { psamImage, REGION, regionRoot } from "./support/sim-images.js";

// Card authenticity (spec §6.12, §4.6) when it does NOT hold: the failed check is named, the card
// is not genuine, and the other check still reports its own verdict. Real pcscd, card-sim cards.
let desk: TestDesk;
let sam: SamSession;
const OTHER_REGION = "110100";
const AT = "20250101";
const home = { publicKey: regionRoot() };
const foreign = regionPki(toRegion(OTHER_REGION));

beforeAll(async () => {
  desk = await TestDesk.open();
  await desk.insert("sam", { type: "psam", options: { image: psamImage() } });
  sam = await SamSession.open(await desk.transport.connect(desk.readerName("sam")));
  await sam.verifyPin("123456");
});
afterAll(async () => {
  await sam?.close();
  await desk?.close();
});

/** Inserts a resident card made from `options` and opens a session with the region's SAM. */
async function insertCard(options: Parameters<typeof makeResidentImage>[0]) {
  await desk.remove("resident");
  await desk.insert("resident", { type: "resident", options: { image: makeResidentImage(options) } });
  return HealthCardSession.open(await desk.transport.connect(desk.readerName("resident")), { sam });
}

const faults = (plan: object) => desk.host.setFaults(desk.port("resident"), plan);

describe("checkAuthenticity failure paths through pcscd", () => {
  it("a card of another region: its IRK does not match the SAM's → CRYPTOGRAM_MISMATCH", async () => {
    const session = await insertCard({ seed: "protocol-auth-foreign", region: OTHER_REGION });
    // Its own root vouches for its certificate, so only the internal authentication fails.
    const result = await session.checkAuthenticity({ roots: [{ publicKey: foreign.root.publicKey }], at: AT });
    expect(result).toEqual({
      genuine: false,
      checks: {
        internalAuthentication: { status: "failed", reasons: ["CRYPTOGRAM_MISMATCH"] },
        issuerCertificate: { status: "passed", reasons: [] },
      },
    });
    expect(await session.internalAuthenticate()).toBe(false);
    // Against this desk's root both checks fail: the certificate does not chain to it.
    const atHome = await session.checkAuthenticity({ roots: [home], at: AT });
    expect(atHome.genuine).toBe(false);
    expect(atHome.checks.internalAuthentication.reasons).toEqual(["CRYPTOGRAM_MISMATCH"]);
    expect(atHome.checks.issuerCertificate).toEqual({ status: "failed", reasons: ["BAD_SIGNATURE"] });
    // With the root's key id configured, a certificate from another CA is not even tried.
    const keyId = decodeIssuerCertificate(regionPki(toRegion(REGION)).issuerCertificate).fields.caKeyId;
    const byId = await session.checkAuthenticity({ roots: [{ ...home, keyId }], at: AT });
    expect(byId.checks.issuerCertificate.status).toBe("failed");
    expect(byId.checks.issuerCertificate.reasons[0]).toMatch(/^UNKNOWN_ROOT [0-9A-F]{8}$/);
    await session.close();
  });

  it("a home card whose issuer certificate chains to another root → issuerCertificate failed", async () => {
    const session = await insertCard({
      seed: "protocol-auth-cert",
      region: REGION,
      issuerCertificate: foreign.issuerCertificate,
    });
    const result = await session.checkAuthenticity({ roots: [home], at: AT });
    expect(result.genuine).toBe(false);
    expect(result.checks.internalAuthentication).toEqual({ status: "passed", reasons: [] });
    expect(result.checks.issuerCertificate.status).toBe("failed");
    // Not signed by the configured root, and certifying another issuer than the card's element 04.
    expect(result.checks.issuerCertificate.reasons).toEqual([
      "BAD_SIGNATURE",
      `ISSUER_CODE_MISMATCH ${foreign.issuerCode}≠${regionPki(toRegion(REGION)).issuerCode}`,
    ]);
    await session.close();
  });

  it("a card refusing INTERNAL AUTHENTICATE → failed with the status word, genuine false", async () => {
    const session = await insertCard({ seed: "protocol-auth-sw", region: REGION });
    expect((await session.checkAuthenticity({ roots: [home], at: AT })).genuine).toBe(true);
    for (const sw of [0x6985, 0x6a88]) {
      await faults({ forceSw: [{ sw, ins: 0x88 }] });
      const result = await session.checkAuthenticity({ roots: [home], at: AT });
      expect(result).toEqual({
        genuine: false,
        checks: {
          internalAuthentication: { status: "failed", reasons: [`SW ${sw.toString(16).toUpperCase()}`] },
          issuerCertificate: { status: "passed", reasons: [] },
        },
      });
    }
    await faults({});
    // A card that goes away is not a verdict on the card: it is thrown, typed. (EF05 is cached and
    // DDF1 selected, so INTERNAL AUTHENTICATE is the session's first APDU now.)
    await faults({ tear: { atApdu: 1 } });
    await expect(session.checkAuthenticity({ roots: [home], at: AT })).rejects.toMatchObject({
      code: "CARD_REMOVED",
    });
  });
});
