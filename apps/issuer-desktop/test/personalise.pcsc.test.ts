import { fromHex } from "@rhc/card-protocol";
import type { CosState } from "@rhc/card-sim";
import type { TestDesk } from "@rhc/card-sim/testing";
import { isRhcError, type RhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PcscPersonaliser } from "../src/adapters/pcsc-personaliser.js";
import { normalizePhoto } from "../src/issuance/photo/normalize-photo.js";
import { expectedCard } from "./helpers/card-image.js";
import { deskParts, TEST_OPERATOR } from "./helpers/desk.js";
import { openIssuerDesk } from "./helpers/issuer-desk.js";
import { portrait } from "./helpers/portrait.js";
import { resident } from "./helpers/residents.js";
import { LEASE_TIMEOUT_MS } from "./helpers/stack-config.js";
import { tempDir } from "./helpers/temp-dir.js";

/** Real pcscd, simulated blank cards and ISAM of region 410100 (the test config's city). */
let desk: TestDesk;
let port: PcscPersonaliser;
const dir = tempDir();

beforeAll(async () => {
  ({ desk, port } = await openIssuerDesk(dir.path));
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

  it("leaves on the card exactly the plan: every key, record, photo byte and index flag", async () => {
    const seed = "issuer-pcsc-image";
    await desk.insert("issuerCard", { type: "blank", options: { seed, region: "410100" } });
    const parts = deskParts(dir.path, port);
    const photo = await normalizePhoto(await portrait(240, 300));
    const { plan } = parts.workflow.prepare(resident(14), photo.jpeg);
    parts.store.close();
    const steps: [string, number, number][] = [];
    const outcome = await port.personalise(plan, (step, done, total) => steps.push([step, done, total]));
    expect(steps.map(([step]) => step)).toEqual([
      ...["keys MF", "keys DDF1", "DDF1/EF05", "DDF1/EF06", "DDF1/EF08", "photo"],
      ...["keys DF01", "DF01/EF05", "DF01/EF06", "DF01/EF07", "DF01/EF08"],
      ...["keys DF02", "DF02/EF05", "DF02/EF06", "keys DF03", "DF03/EF05", "DF03/EF06", "activate"],
    ]);
    expect(steps.every(([, done, total], i) => done === i + 1 && total === steps.length)).toBe(true);
    // 21 keys × 4 (challenge, ISAM session, ISAM wrap, WRITE KEY), 18 SELECTs (each DF once),
    // 5 update-key authentications × 4, 21 plain + 36 SM records (× 5), 8 index flags × 4,
    // ACTIVATE 4, and the photo in 0x80 blocks.
    expect(outcome.apduCount).toBe(84 + 18 + 20 + 21 + 180 + 32 + 4 + Math.ceil((plan.photo.length + 2) / 0x80));
    const isam = (await desk.host.control(desk.port("issuerSam"), "image")) as { cos: CosState };
    const issuerCertificate = (isam.cos.files["3F00/DF01/001B"] as { data: string }).data;
    const card = (await desk.host.control(desk.port("issuerCard"), "image")) as { cos: CosState };
    const values = { ...plan.elements, issuerCertificate: fromHex(issuerCertificate) };
    expect(card.cos).toEqual(expectedCard(seed, values, plan.photo));
    const check = await port.verify(plan);
    expect(check.mismatches).toEqual([]);
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

  it("audits the issue with operator, card, key version and read-back digest in the hash chain", async () => {
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-pcsc-audit", region: "410100" } });
    const own = tempDir();
    const parts = deskParts(own.path, port);
    const prepared = parts.workflow.prepare(resident(15));
    const issued = await parts.workflow.run(prepared, TEST_OPERATOR);
    const records = parts.audit.list().filter((r) => r.action === "card.issued");
    expect(records).toHaveLength(1);
    // Key version: the key index of the ISAM's application (DF01/001A byte 0) the keys came from.
    const isam = (await desk.host.control(desk.port("issuerSam"), "image")) as { cos: CosState };
    const keyIndex = fromHex((isam.cos.files["3F00/DF01/001A"] as { data: string }).data)[0];
    // The digest is the one a fresh read-back of the card gives.
    const again = await port.verify(prepared.plan);
    expect(records[0]).toMatchObject({
      actor: TEST_OPERATOR.id,
      subject: prepared.cardNo,
      outcome: "ok",
      data: {
        chipSerial: issued.chipSerial,
        issueSerial: prepared.issueSerial,
        keyVersion: keyIndex,
        readBackDigest: again.digest,
        eventId: issued.eventId,
      },
    });
    expect(issued).toMatchObject({ keyVersion: keyIndex, readBackDigest: again.digest, auditSeq: records[0]!.seq });
    expect(parts.audit.verify()).toEqual({ ok: true, brokenAt: null });
    parts.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });

  it("a read-back that differs from the plan is VERIFY_MISMATCH and records nothing", async () => {
    await desk.insert("issuerCard", { type: "blank", options: { seed: "issuer-pcsc-mismatch", region: "410100" } });
    const own = tempDir();
    const parts = deskParts(own.path, port);
    // The card holds resident 16's data; the desk then checks it against resident 17's plan, as
    // when a batch resumed after a crash finds another card personalised in the reader.
    const written = await port.personalise(parts.workflow.prepare(resident(16)).plan);
    const other = parts.workflow.prepare(resident(17));
    let caught: unknown;
    await parts.workflow.resume(other, TEST_OPERATOR, written.chipSerial).catch((e: unknown) => {
      caught = e;
    });
    expect(isRhcError(caught, "VERIFY_MISMATCH")).toBe(true);
    const problem = (caught as RhcError).toProblem();
    expect(problem.detail).toMatch(/name/);
    expect(problem.detail).toMatch(/citizenId|cardNumber/);
    expect(problem.message.zh).toMatch(/回读校验不一致/);
    expect(problem.message.en).toMatch(/Read-back verification failed/);
    expect(parts.store.outbox.depth()).toBe(0);
    expect(parts.cards.list()).toEqual([]);
    expect(parts.audit.list().filter((r) => r.action === "card.issued")).toEqual([]);
    parts.store.close();
    own.remove();
    await desk.remove("issuerCard");
  });
});
