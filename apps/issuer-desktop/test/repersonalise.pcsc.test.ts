import { readFileSync } from "node:fs";
import { fromHex } from "@rhc/card-protocol";
import type { CosState } from "@rhc/card-sim";
import type { TestDesk } from "@rhc/card-sim/testing";
import { isRhcError } from "@rhc/errors";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { fmcosStylePersonalisation } from "../src/adapters/personalisation-cos.js";
import { normalizePhoto } from "../src/issuance/photo/normalize-photo.js";
import { expectedCard, imagePath } from "./helpers/card-image.js";
import { deskParts, TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { openIssuerDesk } from "./helpers/issuer-desk.js";
import { portrait } from "./helpers/portrait.js";
import { ins, type Pull, PullingTransport } from "./helpers/pulling-transport.js";
import { resident } from "./helpers/residents.js";
import { LEASE_TIMEOUT_MS, stackConfig } from "./helpers/stack-config.js";
import { tempDir } from "./helpers/temp-dir.js";

/**
 * Issue §6: a card pulled mid-personalisation stays re-personalisable and leaves no `card.issued`.
 * The SAME card (its image saved to a file after every write) is pulled at several points, put
 * back and personalised again, through the real pcscd with the real ISAM.
 */
let desk: TestDesk;
let pulling: PullingTransport;
let port: PcscPersonaliser;
const dir = tempDir();

/** Inserts the blank card of `seed` into the issuer reader; its image is saved to the returned file after every write. */
async function insertBlank(seed: string): Promise<string> {
  const saved = `${dir.path}/${seed}.json`;
  await desk.insert("issuerCard", { type: "blank", options: { seed, region: "410100", save: saved } });
  return saved;
}

beforeAll(async () => {
  ({ desk, port } = await openIssuerDesk(dir.path, (d) => {
    pulling = new PullingTransport(d);
    return pulling;
  }));
}, LEASE_TIMEOUT_MS);
// A failed test must not leave its card in the reader for the next one.
afterEach(async () => {
  await desk?.remove("issuerCard").catch(() => undefined);
});
afterAll(async () => {
  await port?.close();
  await desk?.close();
  dir.remove();
});

/** WRITE KEY of a real key slot (the probe's lifecycle question uses slot 00 and is not counted). */
const WRITE_KEY = (c: Uint8Array) => c[1] === 0xd4 && c[3] !== 0;
const APPEND_RECORD = ins(0xe2);
const ACTIVATE = ins(0x44);

const image = (path: string) => (JSON.parse(readFileSync(path, "utf8")) as { cos: CosState }).cos;
const records = (cos: CosState, file: Parameters<typeof imagePath>[0]) =>
  (cos.files[imagePath(file)] as { records?: string[] } | undefined)?.records ?? [];
const loadedKeys = (cos: CosState) => Object.values(cos.keys).filter((k) => k.value !== undefined).length;

describe("a card pulled mid-personalisation, put back and personalised again", () => {
  it("is finished on the same card after pulls at the first key, mid-records and just before ACTIVATE", async () => {
    const seed = "issuer-repersonalise-1";
    const saved = await insertBlank(seed);
    const blankKeys = loadedKeys(image(saved));
    const parts = deskParts(dir.path, port);
    const photo = await normalizePhoto(await portrait(240, 300));
    const prepared = parts.workflow.prepare(resident(21), photo.jpeg);

    const attempt = async (pull: Pull) => {
      pulling.arm(pull);
      await expect(parts.workflow.run(prepared, TEST_OPERATOR)).rejects.toSatisfy((e) => isRhcError(e));
      expect(pulling.pulled).toBe(true);
      await desk.remove("issuerCard").catch(() => undefined);
      // Nothing recorded for the failed attempt.
      expect(parts.store.outbox.depth()).toBe(0);
      expect(parts.cards.list()).toEqual([]);
      expect(parts.audit.list().filter((r) => r.action === "card.issued")).toEqual([]);
      const cos = image(saved);
      expect(cos.lifecycle).toBe("personalisation");
      await desk.insert("issuerCard", { type: "image", options: { image: saved } });
      return cos;
    };

    // 1. The first WRITE KEY takes effect but the card leaves before answering.
    let cos = await attempt({ match: WRITE_KEY, nth: 1, mode: "torn-applied" });
    expect(loadedKeys(cos)).toBe(blankKeys + 1);
    expect((await port.probe()).kind).toBe("blank");

    // 2. Pulled right after the third record of DDF1/EF05: every key is loaded again (replaced).
    cos = await attempt({ match: APPEND_RECORD, nth: 3, mode: "after-answer" });
    expect(records(cos, "DDF1/EF05")).toHaveLength(3);
    expect((await port.probe()).kind).toBe("partial");

    // 3. Torn inside the secure-messaging records of DF01, the torn APPEND applied.
    cos = await attempt({ match: APPEND_RECORD, nth: 30, mode: "torn-applied" });
    expect(records(cos, "DF01/EF05").length).toBeGreaterThan(0);

    // 4. Everything written, pulled during ACTIVATE (not applied): still unlocked.
    cos = await attempt({ match: ACTIVATE, nth: 1, mode: "torn-lost" });
    expect(records(cos, "DF02/EF06").length).toBeGreaterThan(0);
    expect((await port.probe()).kind).toBe("partial");

    // 5. Put back once more: personalised, verified, recorded exactly once.
    const issued = await parts.workflow.run(prepared, TEST_OPERATOR);
    expect(issued.cardNo).toBe(resident(21).citizenId);
    expect(parts.store.outbox.depth()).toBe(1);
    expect(parts.cards.list()).toHaveLength(1);
    expect(parts.audit.list().filter((r) => r.action === "card.issued")).toHaveLength(1);
    expect((await port.probe()).kind).toBe("personalised");
    // Byte for byte the card a single uninterrupted personalisation makes (no duplicate records).
    const isam = (await desk.host.control(desk.port("issuerSam"), "image")) as { cos: CosState };
    const issuerCertificate = fromHex((isam.cos.files["3F00/DF01/001B"] as { data: string }).data);
    expect(image(saved)).toEqual(expectedCard(seed, { ...prepared.plan.elements, issuerCertificate }, photo.jpeg));

    // A locked card is still refused.
    await expect(parts.workflow.run(prepared, TEST_OPERATOR)).rejects.toSatisfy((e) => isRhcError(e, "CARD_NOT_BLANK"));
    expect(parts.store.outbox.depth()).toBe(1);
    parts.store.close();
    await desk.remove("issuerCard");
  });

  it("finishes a card whose torn APPEND RECORD took effect (the record is rewritten, not duplicated)", async () => {
    const seed = "issuer-repersonalise-2";
    const saved = await insertBlank(seed);
    const own = tempDir();
    const parts = deskParts(own.path, port);
    const prepared = parts.workflow.prepare(resident(22));
    pulling.arm({ match: APPEND_RECORD, nth: 12, mode: "torn-applied" });
    await expect(parts.workflow.run(prepared, TEST_OPERATOR)).rejects.toSatisfy((e) => isRhcError(e));
    await desk.remove("issuerCard").catch(() => undefined);
    expect(parts.store.outbox.depth()).toBe(0);
    await desk.insert("issuerCard", { type: "image", options: { image: saved } });
    const issued = await parts.workflow.run(prepared, TEST_OPERATOR);
    expect(issued.chipSerial).toMatch(/^[0-9A-F]{16}$/);
    expect(parts.store.outbox.depth()).toBe(1);
    parts.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });

  /** Pulls the card during ACTIVATE with the lock taking effect: written, locked, nothing recorded. */
  const tornActivate = async (
    parts: ReturnType<typeof deskParts>,
    prepared: Parameters<typeof parts.workflow.run>[0],
  ) => {
    pulling.arm({ match: ACTIVATE, nth: 1, mode: "torn-applied" });
    await expect(parts.workflow.run(prepared, TEST_OPERATOR)).rejects.toSatisfy((e) => isRhcError(e));
    expect(pulling.pulled).toBe(true);
    await desk.remove("issuerCard").catch(() => undefined);
    expect(parts.store.outbox.depth()).toBe(0);
    expect(parts.cards.list()).toEqual([]);
    expect(parts.audit.list().filter((r) => r.action === "card.issued")).toEqual([]);
    expect(parts.workflow.attempts.count()).toBe(1);
  };
  const issuerCertificate = async () => {
    const isam = (await desk.host.control(desk.port("issuerSam"), "image")) as { cos: CosState };
    return fromHex((isam.cos.files["3F00/DF01/001B"] as { data: string }).data);
  };

  it("finishes a card torn during ACTIVATE (lock applied) when it is put back: read back, recorded once", async () => {
    const seed = "issuer-repersonalise-3";
    const saved = await insertBlank(seed);
    const own = tempDir();
    const parts = deskParts(own.path, port);
    const photo = await normalizePhoto(await portrait(200, 250));
    const prepared = parts.workflow.prepare(resident(23), photo.jpeg);
    await tornActivate(parts, prepared);
    expect(image(saved).lifecycle).toBe("operational");
    await desk.insert("issuerCard", { type: "image", options: { image: saved } });
    expect((await port.probe()).kind).toBe("personalised");

    // A desk that does not remember the attempt refuses the locked card, as any used card.
    const other = tempDir();
    const stranger = deskParts(other.path, port);
    const refused = stranger.workflow.run(stranger.workflow.prepare(resident(23)), TEST_OPERATOR);
    await expect(refused).rejects.toSatisfy((e) => isRhcError(e, "CARD_NOT_BLANK"));
    expect(stranger.store.outbox.depth()).toBe(0);
    stranger.store.close();
    other.remove();
    // Our own desk refuses it for another holder: the card carries resident 23's data.
    const wrongHolder = parts.workflow.run(parts.workflow.prepare(resident(24)), TEST_OPERATOR);
    await expect(wrongHolder).rejects.toSatisfy((e) => isRhcError(e, "CARD_NOT_BLANK"));
    expect(parts.store.outbox.depth()).toBe(0);

    const issued = await parts.workflow.run(prepared, TEST_OPERATOR);
    expect(issued.issueSerial).toBe(prepared.issueSerial);
    expect(issued.chipSerial).toMatch(/^[0-9A-F]{16}$/);
    expect(parts.store.outbox.depth()).toBe(1);
    expect(parts.cards.list().map((c) => c.chipSerial)).toEqual([issued.chipSerial]);
    const audits = parts.audit.list().filter((r) => r.action === "card.issued");
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({
      readBackDigest: issued.readBackDigest,
      finishedAttempt: { startedBy: TEST_OPERATOR.id },
    });
    expect(parts.workflow.attempts.count()).toBe(0);
    // The card is byte for byte what an uninterrupted personalisation makes, and stays untouched.
    const certificate = await issuerCertificate();
    expect(image(saved)).toEqual(
      expectedCard(seed, { ...prepared.plan.elements, issuerCertificate: certificate }, photo.jpeg),
    );

    // Recorded once: presented again it is an issued card and refused.
    await expect(parts.workflow.run(prepared, TEST_OPERATOR)).rejects.toSatisfy((e) => isRhcError(e, "CARD_NOT_BLANK"));
    expect(parts.store.outbox.depth()).toBe(1);
    parts.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });

  it("remembers the torn activation across an app restart and finishes it on the retry", async () => {
    const seed = "issuer-repersonalise-4";
    const saved = await insertBlank(seed);
    const own = tempDir();
    const before = deskParts(own.path, port);
    const photo = await normalizePhoto(await portrait(180, 220));
    const prepared = before.workflow.prepare(resident(25), photo.jpeg);
    await tornActivate(before, prepared);
    before.store.close();

    // The restarted app (new store, new workflow) prepares the same holder again: the card holds
    // the first plan, so that one is verified and recorded.
    await desk.insert("issuerCard", { type: "image", options: { image: saved } });
    const after = deskParts(own.path, port);
    expect(after.workflow.attempts.count()).toBe(1);
    const issued = await after.workflow.run(after.workflow.prepare(resident(25), photo.jpeg), TEST_OPERATOR);
    expect(issued.issueSerial).toBe(prepared.issueSerial);
    expect(after.store.outbox.depth()).toBe(1);
    expect(after.cards.list()).toHaveLength(1);
    expect(after.audit.list().filter((r) => r.action === "card.issued")).toHaveLength(1);
    expect(after.workflow.attempts.count()).toBe(0);
    const certificate = await issuerCertificate();
    expect(image(saved)).toEqual(
      expectedCard(seed, { ...prepared.plan.elements, issuerCertificate: certificate }, photo.jpeg),
    );
    after.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });

  it("asks the lifecycle of the injected [P] COS strategy", async () => {
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-repersonalise-5", region: "410100" } });
    const config = testConfig(dir.path, { readers: stackConfig(desk).readers });
    const silent = new PcscPersonaliser(config, desk.transport, {
      ...fmcosStylePersonalisation,
      lifecycle: async () => "unknown",
    });
    expect((await silent.probe()).kind).toBe("unknown");
    expect((await port.probe()).kind).toBe("blank");
    await desk.remove("issuerCard");
  });
});
