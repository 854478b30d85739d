import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HealthCardSession } from "../src/health-card/session.js";
import { SamSession } from "../src/sam/sam-session.js";
import { withTransmit } from "../src/transport/intercept.js";
import type { CardConnection } from "../src/transport/types.js";
import { psamImage, regionRoot, residentFile } from "./support/sim-images.js";

// The README's "APDU counts per operation" table, row by row, counted where the APDUs leave for
// pcscd (card and SAM separately), so the documented numbers cannot drift silently. Each row runs
// in a fresh session on a fresh connection (cold) unless it says warm; rows run in table order
// because the visit-record rows build on each other.
let desk: TestDesk;
let sam: SamSession;
const card = residentFile("protocol-counts");
const counted = { card: 0, sam: 0 };

function counting(connection: CardConnection, side: keyof typeof counted): CardConnection {
  return withTransmit(connection, (command) => {
    counted[side]++;
    return connection.transmit(command);
  });
}

beforeAll(async () => {
  desk = await TestDesk.open();
  await desk.insert("resident", { type: "resident", options: { image: card.image, save: card.file } });
  await desk.insert("sam", { type: "psam", options: { image: psamImage() } });
});
afterAll(async () => {
  await sam?.close();
  await desk?.close();
});

/** A cold session: new connection (the last one was reset), nothing cached. */
async function cold(): Promise<HealthCardSession> {
  return HealthCardSession.open(counting(await desk.transport.connect(desk.readerName("resident")), "card"), { sam });
}

/** APDUs `work` sends to the card and to the SAM. */
async function count(work: () => Promise<unknown>): Promise<[number, number]> {
  const before = { ...counted };
  await work();
  return [counted.card - before.card, counted.sam - before.sam];
}

/** Runs `work` on a cold session and closes it (reset) afterwards. */
async function coldCount(work: (s: HealthCardSession) => Promise<unknown>): Promise<[number, number]> {
  const session = await cold();
  try {
    return await count(() => work(session));
  } finally {
    await session.close();
  }
}

const JPEG_3000 = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Uint8Array(2994).fill(0x5a), 0xff, 0xd9]);
const visit = (n: number) => ({
  institutionName: "郑州市第一人民医院",
  visitDateTime: `2024030${n}100000`,
  outpatientNo: `MZ${n}`,
  costAmount1: 1000 + n,
});

describe("README APDU counts per operation (card + SAM) through pcscd", () => {
  it("SamSession.open + verifyPin: 6 + 1 SAM APDUs", async () => {
    const connection = counting(await desk.transport.connect(desk.readerName("sam")), "sam");
    expect(await count(async () => (sam = await SamSession.open(connection)))).toEqual([0, 6]);
    expect(await count(() => sam.verifyPin("123456"))).toEqual([0, 1]);
  });

  it("reads: DDF1/EF05 12 / 3 for one element, identity 27 + 2, readAll 82 + 6", async () => {
    expect(await coldCount((s) => s.readFile("DDF1/EF05"))).toEqual([12, 0]);
    expect(await coldCount((s) => s.readFile("DDF1/EF05", ["cardNumber"]))).toEqual([3, 0]);
    expect(await coldCount((s) => s.readIdentity())).toEqual([27, 2]);
    // This card: a 184-byte photo (2 READ BINARY), no allergy, no immunisation (1 READ RECORD each,
    // answered "record not found").
    expect(await coldCount((s) => s.readAll())).toEqual([82, 6]);
  });

  it("DF01/EF06 cold 16 + 2, DF01/EF07 warm 4 + 0; allergies cold, none: 8 + 2", async () => {
    expect(
      await coldCount(async (s) => {
        expect(await count(() => s.readFile("DF01/EF06"))).toEqual([16, 2]);
        expect(await count(() => s.readFile("DF01/EF07"))).toEqual([4, 0]);
      }),
    ).toEqual([20, 2]);
    expect(await coldCount(async (s) => expect(await s.readAllergies()).toEqual([]))).toEqual([8, 2]);
  });

  it("writes: DF01/EF05 9 + 5 and 2 + 3 per further element, DDF1/EF08 7 + 2, allergy/immunisation 9 + 5", async () => {
    expect(await coldCount((s) => s.writeFile("DF01/EF05", { address1: "河南省郑州市金水路1号" }))).toEqual([9, 5]);
    expect(
      await coldCount((s) => s.writeFile("DF01/EF05", { address1: "河南省郑州市金水路2号", address2: "二七区" })),
    ).toEqual([9 + 2, 5 + 3]);
    expect(await coldCount((s) => s.writeFile("DDF1/EF08", { phone1: "13900139000" }))).toEqual([7, 2]);
    expect(await coldCount((s) => s.addAllergy({ substance: "花粉", reaction: "皮疹" }))).toEqual([9, 5]);
    expect(await coldCount((s) => s.addImmunisation({ vaccine: "乙肝疫苗", date: "20240101" }))).toEqual([9, 5]);
  });

  it("allergies cold with all 3 records: 10 + 2", async () => {
    const writer = await cold();
    await writer.addAllergy({ substance: "尘螨", reaction: "哮喘" });
    await writer.addAllergy({ substance: "青霉素", reaction: "休克" });
    await writer.close();
    expect(await coldCount(async (s) => expect(await s.readAllergies()).toHaveLength(3))).toEqual([10, 2]);
  });

  it("photo of 3000 bytes: write 31 + 2, read 30 + 2", async () => {
    expect(await coldCount((s) => s.writePhoto(JPEG_3000))).toEqual([31, 2]);
    expect(await coldCount(async (s) => expect(await s.readPhoto()).toEqual(JPEG_3000))).toEqual([30, 2]);
  });

  it("visit records: write, read, history, erase/mark, replace the oldest", async () => {
    expect(await coldCount((s) => s.writeVisitRecord("outpatient", visit(1)))).toEqual([45, 9]);
    expect(
      await coldCount((s) => s.writeVisitRecord("inpatient", { admissionDate: "20240101", lengthOfStay: 3 })),
    ).toEqual([32, 7]);
    expect(
      await coldCount(async (s) => expect((await s.readVisitRecord("outpatient", 1)).signature).toBe("valid")),
    ).toEqual([34, 2]);
    expect(
      await coldCount(async (s) =>
        expect((await s.readVisitHistory()).map((e) => e.signature)).toEqual(["valid", "valid"]),
      ),
    ).toEqual([60, 2]);
    expect(await coldCount((s) => s.eraseVisitRecord("outpatient", 1))).toEqual([9, 4]);
    expect(await coldCount((s) => s.markVisitRecord("outpatient", 1, true))).toEqual([9, 4]);

    const filler = await cold();
    for (let n = 2; n <= 5; n++) await filler.writeVisitRecord("outpatient", visit(n));
    await filler.close();
    expect(
      await coldCount(async (s) =>
        expect(await s.writeVisitRecord("outpatient", visit(6))).toEqual({ slot: 1, replaced: true }),
      ),
    ).toEqual([60, 11]);
  });

  it("authenticity: internalAuthenticate 4 + 2, checkAuthenticity 6 + 2", async () => {
    expect(await coldCount(async (s) => expect(await s.internalAuthenticate()).toBe(true))).toEqual([4, 2]);
    expect(
      await coldCount(async (s) =>
        expect((await s.checkAuthenticity({ roots: [{ publicKey: regionRoot() }] })).genuine).toBe(true),
      ),
    ).toEqual([6, 2]);
  });
});
