import { readFileSync } from "node:fs";
import { fromHex } from "@rhc/card-protocol";
import type { CosState } from "@rhc/card-sim";
import type { TestDesk } from "@rhc/card-sim/testing";
import { isRhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { normalizePhoto } from "../src/issuance/photo/normalize-photo.js";
import { expectedCard, imagePath } from "./helpers/card-image.js";
import { deskParts, TEST_OPERATOR } from "./helpers/desk.js";
import { openIssuerDesk } from "./helpers/issuer-desk.js";
import { portrait } from "./helpers/portrait.js";
import { ins, type Pull, PullingTransport } from "./helpers/pulling-transport.js";
import { resident } from "./helpers/residents.js";
import { LEASE_TIMEOUT_MS } from "./helpers/stack-config.js";
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

beforeAll(async () => {
  ({ desk, port } = await openIssuerDesk(dir.path, (d) => {
    pulling = new PullingTransport(d);
    return pulling;
  }));
}, LEASE_TIMEOUT_MS);
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
    const saved = `${dir.path}/${seed}.json`;
    await desk.insert("issuerCard", { type: "blank", options: { seed, region: "410100", save: saved } });
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
    const saved = `${dir.path}/${seed}.json`;
    await desk.insert("issuerCard", { type: "blank", options: { seed, region: "410100", save: saved } });
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
});
