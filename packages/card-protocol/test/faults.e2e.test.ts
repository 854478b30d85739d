import { TestDesk } from "@rhc/card-sim/testing";
import { isRhcError, type RhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePhoto } from "../src/health-card/records.js";
import { HealthCardSession } from "../src/health-card/session.js";
import { TraceBuffer, traceConnection } from "../src/pipeline/trace.js";
import { SamSession } from "../src/sam/sam-session.js";
import { cardAbsent, waitForReader } from "../src/transport/wait.js";
import { toHex } from "../src/util/hex.js";
import { psamImage, residentFile, storedFile } from "./support/sim-images.js";

// The fault suite: every fault ends in a typed RhcError, and the card read afterwards (from the
// image the simulator saved after each command) is consistent.
let desk: TestDesk;
let sam: SamSession;
const card = residentFile("protocol-faults");
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Uint8Array(600).fill(0x33), 0xff, 0xd9]);
const visit = { institutionName: "郑州市中心医院", visitDateTime: "20240601080000", costAmount1: 1200 };

beforeAll(async () => {
  desk = await TestDesk.open();
  await desk.insert("sam", { type: "psam", options: { image: psamImage() } });
  sam = await SamSession.open(await desk.transport.connect(desk.readerName("sam")));
  await sam.verifyPin("123456");
  await insert({ image: card.image, save: card.file });
});
afterAll(async () => {
  await sam?.close();
  await desk?.close();
});

async function insert(options: object = { image: card.file }) {
  await desk.insert("resident", { type: "resident", options });
}

async function open(timeoutMs?: number) {
  const trace = new TraceBuffer(2000);
  const connection = traceConnection(await desk.transport.connect(desk.readerName("resident")), trace.sink);
  const session = HealthCardSession.open(connection, { sam, ...(timeoutMs ? { timeoutMs } : {}) });
  return { session, trace };
}

const faults = (plan: object) => desk.host.setFaults(desk.port("resident"), plan);

/** Runs `work`, expects a typed RhcError with one of `codes`, and gives it back. */
async function typedFailure(work: Promise<unknown>, codes: readonly string[]): Promise<RhcError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRhcError(error), String(error)).toBe(true);
  expect(codes).toContain((error as RhcError).code);
  return error as RhcError;
}

/** After a pull: wait until PC/SC sees the reader empty, then insert the saved card again. */
async function reinsert(): Promise<void> {
  await waitForReader(desk.transport, desk.readerName("resident"), cardAbsent);
  await desk.host.remove(desk.port("resident"));
  await insert();
}

describe("fault suite through pcscd", () => {
  it("card pulled in the middle of a read: CARD_REMOVED, nothing changed", async () => {
    const before = storedFile(card.file, "3F00/DDF1/EF06").records!.map(toHex);
    const { session } = await open();
    await faults({ removeAfterApdus: 20 });
    const error = await typedFailure(session.readAll(), ["CARD_REMOVED"]);
    expect(error.retriable).toBe(true);
    await reinsert();
    expect(storedFile(card.file, "3F00/DDF1/EF06").records!.map(toHex)).toEqual(before);
    const again = await open();
    expect((await again.session.readIdentity()).holder.name).toBe(card.person.name);
  });

  for (const applied of [false, true]) {
    it(`card torn during a photo chunk (applied: ${applied}): never a half photo`, async () => {
      const { session, trace } = await open();
      await session.readFile("DDF1/EF05", ["cityCode"]);
      // select EF07, GET CHALLENGE, EXTERNAL AUTHENTICATE, then UPDATE BINARY chunks 1..5, length.
      await faults({ tear: { atApdu: 5, applied } });
      await typedFailure(session.writePhoto(JPEG), ["CARD_REMOVED"]);
      expect(trace.entries().at(-1)!.command.slice(0, 8)).toBe("00D60080");
      await reinsert();
      const stored = storedFile(card.file, "3F00/DDF1/EF07").data!;
      // The torn write left the length prefix at 0: no photo rather than a broken one.
      expect(toHex(stored.subarray(0, 2))).toBe("0000");
      const { session: fresh } = await open();
      expect(await fresh.readPhoto()).toBeUndefined();
      await fresh.writePhoto(JPEG);
      expect(decodePhoto(storedFile(card.file, "3F00/DDF1/EF07").data!)).toEqual(JPEG);
    });
  }

  it("card torn while a visit record is written: the slot stays free, the history stays valid", async () => {
    const { session, trace } = await open();
    await session.readFile("DDF1/EF05", ["cardNumber", "cityCode"]);
    await session.readVisitIndex("outpatient");
    // After the index: SELECT ED01, GET CHALLENGE, EXTERNAL AUTHENTICATE, then 26 UPDATE BINARY.
    await faults({ tear: { atApdu: 14, applied: true } });
    await typedFailure(session.writeVisitRecord("outpatient", visit), ["CARD_REMOVED"]);
    expect(trace.entries().at(-1)!.command.slice(0, 4)).toBe("00D6");
    await reinsert();
    expect(storedFile(card.file, "3F00/DDF1/DF03/EF06").records!.map(toHex)).toEqual(["FF", "FF", "FF", "FF", "FF"]);
    const { session: fresh } = await open();
    expect(await fresh.readVisitHistory({ kinds: ["outpatient"] })).toEqual([]);
    expect(await fresh.writeVisitRecord("outpatient", visit)).toEqual({ slot: 1, replaced: false });
    const history = await fresh.readVisitHistory({ kinds: ["outpatient"] });
    expect(history.map((e) => e.signature)).toEqual(["valid"]);
  });

  it("card torn on the final index flag write: either no record or a complete, signed one", async () => {
    const { session } = await open();
    await session.readFile("DDF1/EF05", ["cardNumber", "cityCode"]);
    await session.readVisitIndex("outpatient");
    // SELECT ED02, GET CHALLENGE, EXTERNAL AUTH, 26 UPDATE BINARY, SELECT EF06, GET CHALLENGE, WRITE RECORD.
    await faults({ tear: { atApdu: 32, applied: true } });
    await typedFailure(session.writeVisitRecord("outpatient", { ...visit, outpatientNo: "MZ2" }), ["CARD_REMOVED"]);
    await reinsert();
    const { session: fresh } = await open();
    const history = await fresh.readVisitHistory({ kinds: ["outpatient"] });
    expect(history.map((e) => [e.slot, e.signature])).toEqual([
      [1, "valid"],
      [2, "valid"],
    ]);
  });

  it("mute card: CARD_MUTE after the APDU timeout, card consistent afterwards", async () => {
    const { session } = await open(300);
    await faults({ mute: { atApdu: 3, releaseAfterMs: 800 } });
    await typedFailure(session.readIdentity(), ["CARD_MUTE"]);
    await reinsert();
    const { session: fresh } = await open();
    expect((await fresh.readIdentity()).holder.citizenId).toBe(card.person.citizenId);
  });

  it("garbage and truncated responses: typed errors, card unchanged", async () => {
    const plans = [
      { garbage: { atApdu: 4, count: 3 } },
      { truncate: { atApdu: 4, keep: 1 } },
      { truncate: { atApdu: 2, keep: 1 } },
    ];
    for (const plan of plans) {
      const { session } = await open(1500);
      await faults(plan);
      // Random bytes may look like any status word.
      await typedFailure(session.readIdentity(), [
        "MALFORMED_RESPONSE",
        "CARD_DATA_INVALID",
        "CARD_STATUS",
        "SECURITY_STATUS",
        "FILE_NOT_FOUND",
        "RECORD_NOT_FOUND",
        "AUTH_FAILED",
        "AUTH_BLOCKED",
        "APP_BLOCKED",
        "CARD_FULL",
        "CARD_MUTE",
      ]);
      await faults({});
      await desk.remove("resident");
      await insert();
      const { session: fresh } = await open();
      expect((await fresh.readIdentity()).holder.name).toBe(card.person.name);
      await fresh.close();
    }
  });

  it("wrong status words map to their typed errors and change nothing", async () => {
    const cases: [object, () => Promise<unknown>, string][] = [];
    const { session } = await open();
    const before = storedFile(card.file, "3F00/DDF1/DF01/EF05").records!.map(toHex);
    cases.push(
      [
        { forceSw: [{ sw: 0x6581, ins: 0xdc }] },
        () => session.writeFile("DF01/EF05", { address2: "不应写入" }),
        "CARD_STATUS",
      ],
      [{ forceSw: [{ sw: 0x6982, ins: 0xb2 }] }, () => session.readFile("DF01/EF06"), "SECURITY_STATUS"],
      [{ forceSw: [{ sw: 0x63c2, ins: 0x82 }] }, () => session.readFile("DF02/EF05"), "AUTH_FAILED"],
      [{ forceSw: [{ sw: 0x6983, ins: 0x82 }] }, () => session.readFile("DF01/EF07"), "AUTH_BLOCKED"],
      [{ forceSw: [{ sw: 0x6a82, ins: 0xa4 }] }, () => session.readPhoto(), "FILE_NOT_FOUND"],
    );
    for (const [plan, work, code] of cases) {
      await faults(plan);
      const error = await typedFailure(work(), [code]);
      expect(error.sw).toBeDefined();
      await faults({});
    }
    expect(storedFile(card.file, "3F00/DDF1/DF01/EF05").records!.map(toHex)).toEqual(before);
    expect((await session.readFile("DF01/EF05")).address2).not.toBe("不应写入");
  });
});
