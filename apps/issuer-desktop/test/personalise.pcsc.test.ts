import { TestDesk } from "@rhc/card-sim/testing";
import { isRhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { normalizePhoto } from "../src/issuance/photo/normalize-photo.js";
import { deskParts, TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { portrait } from "./helpers/portrait.js";
import { resident } from "./helpers/residents.js";
import { LEASE_TIMEOUT_MS } from "./helpers/stack-config.js";
import { tempDir } from "./helpers/temp-dir.js";

/** Real pcscd, simulated blank cards and ISAM of region 410100 (the test config's city). */
let desk: TestDesk;
let port: PcscPersonaliser;
const dir = tempDir();

beforeAll(async () => {
  desk = await TestDesk.open();
  await desk.insert("issuerSam", { type: "isam", options: { region: "410100" } });
  const config = testConfig(dir.path, {
    readers: {
      issuerCard: desk.readerName("issuerCard"),
      issuerSam: desk.readerName("issuerSam"),
      staff: desk.readerName("staff"),
    },
  });
  port = new PcscPersonaliser(config, desk.transport);
}, LEASE_TIMEOUT_MS);
afterAll(async () => {
  await port?.close();
  await desk?.close();
  dir.remove();
});

describe("personalisation through pcscd (blank card + ISAM)", () => {
  it("personalises a blank card, reads everything back and refuses it afterwards as not blank", async () => {
    expect(await port.probe()).toEqual({ kind: "absent" });
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-pcsc-1", region: "410100" } });
    const probe = await port.probe();
    expect(probe.kind).toBe("blank");

    const parts = deskParts(dir.path, port);
    const photo = await normalizePhoto(await portrait(240, 300));
    const issued = await parts.workflow.run(parts.workflow.prepare(resident(11), photo.jpeg), TEST_OPERATOR);
    expect(issued.chipSerial).toBe(probe.chipSerial);
    expect(issued.readBackDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.apduCount).toBeGreaterThan(100);
    expect(parts.store.outbox.depth()).toBe(1);
    expect((await port.probe()).kind).toBe("personalised");

    await expect(parts.workflow.run(parts.workflow.prepare(resident(12)), TEST_OPERATOR)).rejects.toSatisfy((e) =>
      isRhcError(e, "CARD_NOT_BLANK"),
    );
    expect(parts.store.outbox.depth()).toBe(1);
    parts.store.close();
    await desk.remove("issuerCard");
  });

  it("refuses to personalise when the centre's issuer code is not the one its SAM certificate names", async () => {
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-pcsc-wrong-code", region: "410100" } });
    const own = tempDir();
    const parts = deskParts(own.path, port);
    parts.config.centre.issuerCode = "41010000000"; // a centre configured with a code its SAM does not certify
    await expect(parts.workflow.run(parts.workflow.prepare(resident(14)), TEST_OPERATOR)).rejects.toSatisfy(
      (e) => isRhcError(e, "CONFIG_INVALID") && /41010000000/.test(String((e as Error).message)),
    );
    // Nothing was written: the card is still blank, no event, no register row.
    expect((await port.probe()).kind).toBe("blank");
    expect(parts.store.outbox.depth()).toBe(0);
    parts.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });

  it("refuses a card that is not a health card", async () => {
    await desk.insert("issuerCard", { type: "iso-test", options: {} });
    expect((await port.probe()).kind).toBe("unknown");
    await desk.remove("issuerCard");
  });

  it("a card pulled mid-personalisation leaves no event and the next blank takes the same data", async () => {
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-pcsc-2", region: "410100" } });
    await desk.host.setFaults(desk.port("issuerCard"), { tear: { atApdu: 40, applied: false } });
    const own = tempDir();
    const parts = deskParts(own.path, port);
    const prepared = parts.workflow.prepare(resident(13));
    await expect(parts.workflow.run(prepared, TEST_OPERATOR)).rejects.toSatisfy((e) => isRhcError(e));
    expect(parts.store.outbox.depth()).toBe(0);
    expect(parts.cards.list()).toEqual([]);
    await desk.remove("issuerCard").catch(() => undefined);

    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-pcsc-3", region: "410100" } });
    const issued = await parts.workflow.run(prepared, TEST_OPERATOR);
    expect(issued.cardNo).toBe(resident(13).citizenId);
    expect(parts.store.outbox.depth()).toBe(1);
    parts.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });
});
