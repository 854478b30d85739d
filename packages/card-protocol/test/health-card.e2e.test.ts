import { TestDesk } from "@rhc/card-sim/testing";
import { sm2GenerateKeyPair, verifyCompactChain } from "@rhc/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeLayout } from "../src/codec/layout.js";
import { ALLERGY_LAYOUT, decodePhoto } from "../src/health-card/records.js";
import { HealthCardSession } from "../src/health-card/session.js";
import { TraceBuffer, traceConnection } from "../src/pipeline/trace.js";
import { SamSession } from "../src/sam/sam-session.js";
import { toHex } from "../src/util/hex.js";
import { psamImage, regionRoot, residentFile, storedFile } from "./support/sim-images.js";

// Every file and flow of the resident card through the real stack: smartcard binding → pcscd →
// vpcd → card-sim resident card and PSAM in a worker thread.
let desk: TestDesk;
const card = residentFile("protocol-e2e");

beforeAll(async () => {
  desk = await TestDesk.open();
  await desk.insert("resident", { type: "resident", options: { image: card.image, save: card.file } });
  await desk.insert("sam", { type: "psam", options: { image: psamImage() } });
});
afterAll(async () => {
  await desk?.close();
});

async function open(options: { mode?: "strict" | "lenient"; trace?: TraceBuffer } = {}) {
  let samConnection = await desk.transport.connect(desk.readerName("sam"));
  let cardConnection = await desk.transport.connect(desk.readerName("resident"));
  if (options.trace) {
    samConnection = traceConnection(samConnection, options.trace.sink);
    cardConnection = traceConnection(cardConnection, options.trace.sink);
  }
  const sam = await SamSession.open(samConnection);
  await sam.verifyPin("123456");
  const session = HealthCardSession.open(cardConnection, { sam, ...(options.mode ? { mode: options.mode } : {}) });
  return { sam, session, close: async () => Promise.all([session.close(), sam.close()]) };
}

describe("HealthCardSession through pcscd", () => {
  it("reads identity with 27 card APDUs and 2 SAM APDUs, then everything else", async () => {
    const { sam, session, close } = await open();
    const samBefore = sam.channel.apduCount;
    const identity = await session.readIdentity();
    expect(session.apduCount).toBe(27);
    expect(sam.channel.apduCount - samBefore).toBe(2);
    expect(identity.holder).toMatchObject({
      name: card.person.name,
      sex: card.person.sex,
      birthDate: card.person.birthDate,
      citizenId: card.person.citizenId,
    });
    expect(identity.issuer).toMatchObject({
      cardNumber: card.person.citizenId,
      cityCode: "410100",
      specVersion: "1.00",
    });
    expect(identity.contact.expiryDate).toMatch(/^20[3-9]\d{5}$/);

    const all = await session.readAll();
    const stored = storedFile(card.file, "3F00/DDF1/EF07").data!;
    expect(all.photo).toEqual(decodePhoto(stored));
    expect(all.allergies).toEqual(
      storedFile(card.file, "3F00/DDF1/DF02/EF07").records!.map((r) => decodeLayout(ALLERGY_LAYOUT, r)),
    );
    expect(all.documents.idDocumentNumber).toBe(card.person.citizenId);
    expect(all.clinical.aboBloodGroup).toBeGreaterThan(0);
    expect(all.special).toEqual({ psychiatric: 0 });
    await close();
  });

  it("writes every writable file with the right key and SM, and reads it back in a new session", async () => {
    const { session, close } = await open();
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Uint8Array(400).fill(0x42), 0xff, 0xd9]);
    await session.writeFile("DDF1/EF08", { phone1: "13900139000", paymentMethod2: "5" });
    await session.writePhoto(jpeg);
    await session.writeFile("DF01/EF05", { address1: "河南省郑州市金水区经三路1号" });
    await session.writeFile("DF01/EF06", {
      contact2Name: "王五",
      contact2Relation: "10",
      contact2Phone: "13700137000",
    });
    await session.writeFile("DF01/EF07", { education: "2", maritalStatus: "20", occupation: "4" });
    await session.writeFile("DF01/EF08", { healthRecordNumber: "41010020240001234" });
    await session.writeFile("DF02/EF05", { asthma: 1, otherMedicalAlert: "青霉素过敏" });
    await session.writeFile("DF02/EF06", { psychiatric: 1 });
    await session.addAllergy({ substance: "花粉", reaction: "打喷嚏" });
    await session.addImmunisation({ vaccine: "流感疫苗", date: "20241015" });
    await close();

    const fresh = await open();
    const all = await fresh.session.readAll();
    expect(all.contact).toMatchObject({ phone1: "13900139000", paymentMethod2: "5" });
    expect(all.photo).toEqual(jpeg);
    expect(all.addresses.address1).toBe("河南省郑州市金水区经三路1号");
    expect(all.contacts).toMatchObject({ contact2Name: "王五", contact2Relation: "10", contact2Phone: "13700137000" });
    expect(all.personal).toEqual({ education: "2", maritalStatus: "20", occupation: "4" });
    expect(all.documents.healthRecordNumber).toBe("41010020240001234");
    expect(all.clinical).toMatchObject({ asthma: 1, otherMedicalAlert: "青霉素过敏" });
    expect(all.special.psychiatric).toBe(1);
    expect(all.allergies[0]).toEqual({ substance: "花粉", reaction: "打喷嚏" });
    expect(all.immunisations[0]).toEqual({ vaccine: "流感疫苗", date: "20241015" });
    // DF01/DF02 are written with ciphertext + MAC: the plaintext never crossed the reader.
    await expect(fresh.session.writeFile("DDF1/EF06", { name: "李四" })).rejects.toMatchObject({
      code: "WRITE_PROTECTED",
    });
    await fresh.close();
  });

  it("writes, signs, reads and erases visit records; the SAM certificate chains to the region root", async () => {
    const { sam, session, close } = await open();
    const visit = {
      institutionName: "郑州大学第一附属医院",
      institutionCode: "41000001X",
      visitDateTime: "20240315093000",
      outpatientNo: "MZ0001",
      outpatientDiagnosisName1: "急性上呼吸道感染",
      outpatientDiagnosisCode1: "J06.900",
      costAmount1: 8650,
    };
    expect(await session.writeVisitRecord("outpatient", visit)).toEqual({ slot: 1, replaced: false });
    expect(await session.writeVisitRecord("inpatient", { admissionDate: "20240101", lengthOfStay: 6 })).toEqual({
      slot: 1,
      replaced: false,
    });
    expect(storedFile(card.file, "3F00/DDF1/DF03/EF06").records!.map(toHex)).toEqual(["00", "FF", "FF", "FF", "FF"]);
    await close();

    const fresh = await open();
    const history = await fresh.session.readVisitHistory();
    expect(history.map((e) => [e.kind, e.slot, e.signature])).toEqual([
      ["inpatient", 1, "valid"],
      ["outpatient", 1, "valid"],
    ]);
    expect(history[1]!.record).toMatchObject(visit);
    const chain = verifyCompactChain(
      {
        rootPublicKey: regionRoot(),
        issuerCertificate: await fresh.sam.issuerCertificate(),
        samCertificate: history[1]!.record.samCertificate,
      },
      { at: "20240315" },
    );
    expect(chain.valid).toBe(true);

    await fresh.session.eraseVisitRecord("outpatient", 1);
    expect((await fresh.session.readVisitHistory({ kinds: ["outpatient"] })).length).toBe(0);
    expect(sam.isPinVerified).toBe(true);
    await fresh.close();
  });

  it("checks authenticity: internal authentication through the SAM and the issuer certificate", async () => {
    const { session, close } = await open();
    const genuine = await session.checkAuthenticity({ roots: [{ publicKey: regionRoot() }], at: "20250101" });
    expect(genuine).toEqual({
      genuine: true,
      checks: {
        internalAuthentication: { status: "passed", reasons: [] },
        issuerCertificate: { status: "passed", reasons: [] },
      },
    });
    const wrong = await session.checkAuthenticity({ roots: [{ publicKey: sm2GenerateKeyPair().publicKey }] });
    expect(wrong.genuine).toBe(false);
    expect(wrong.checks.internalAuthentication.status).toBe("passed");
    expect(wrong.checks.issuerCertificate).toMatchObject({ status: "failed", reasons: ["BAD_SIGNATURE"] });
    expect((await session.checkAuthenticity({ roots: [] })).checks.issuerCertificate.status).toBe("skipped");
    await close();
  });

  it("keeps PINs, cryptograms and SM payloads out of the APDU trace of a whole session", async () => {
    const trace = new TraceBuffer(5000);
    const { session, close } = await open({ trace });
    await session.readIdentity();
    await session.writeFile("DF01/EF05", { address2: "河南省郑州市二七区" });
    await close();
    const text = trace.format();
    expect(text).toContain("0020000003 <PIN 3 bytes>");
    expect(text).not.toContain("123456");
    expect(text).toMatch(/0082000411 <cryptogram 17 bytes>/);
    expect(text).toMatch(/04DC040474 <secure messaging 116 bytes>/);
    expect(text).not.toContain(Buffer.from(card.person.citizenId).toString("hex").toUpperCase());
  });
});

describe("a vendor-compatible card in lenient mode", () => {
  it("writes allergies and index flags the way deployed vendor builds do", async () => {
    const vendor = residentFile("protocol-vendor", { mode: "vendor" });
    await desk.remove("resident");
    await desk.insert("resident", { type: "resident", options: { image: vendor.image, save: vendor.file } });
    const { session, close } = await open({ mode: "lenient" });
    await session.addAllergy({ substance: "海鲜", reaction: "荨麻疹" });
    await session.markVisitRecord("inpatient", 2, true);
    expect(storedFile(vendor.file, "3F00/DDF1/DF03/EF05").records!.map(toHex)).toEqual(["FF", "00", "FF"]);
    expect((await session.readAllergies())[0]).toEqual({ substance: "海鲜", reaction: "荨麻疹" });
    await close();
    await desk.remove("resident");
  });
});
