import { sm2SignDigest } from "@rhc/crypto";
import { describe, expect, it } from "vitest";
import { SamSession } from "../sam/sam-session.js";
import { SchemeSam } from "../testing/scheme-sam.js";
import { type ScriptAnswer, ScriptedCard } from "../testing/scripted-card.js";
import { MemoryTransport } from "../transport/memory.js";
import { concatBytes, fromHex, toHex } from "../util/hex.js";
import { elementDef } from "./elements.js";
import type { FileId } from "./files.js";
import { PROJECT_RECORD_SIGNATURE } from "./record-signature.js";
import { encodeElementRecord, encodePhoto, encodeTlvFile } from "./records.js";
import { type CardMode, HealthCardSession } from "./session.js";
import { ED_LAYOUT, encodeOutpatientRecord } from "./visit-records.js";

const ATR = "3B6900005701020304050607 08";
const CARD_F = fromHex("0102030405060708");
const CITY_F = fromHex("3431303030303030");
const R = "A1A2A3A4A5A6A7A8";
const P = fromHex("1122334455667788");

const ISSUER = {
  cardCategory: "1",
  specVersion: "1.00",
  issuerName: "河南省卫生健康委员会",
  issuerCode: "4100000000001",
  issuerCertificate: new Uint8Array(180).fill(0x12),
  issueDate: "20240101",
  cardNumber: "11010519491231002X",
  securityCode: "123",
  issueSerial: "0000000001",
  cityCode: "410100",
};
const HOLDER = { name: "张三", sex: 1, ethnicity: "01", birthDate: "19491231", citizenId: "11010519491231002X" };
const CONTACT = {
  expiryDate: "20341231",
  phone1: "13800138000",
  phone2: "",
  paymentMethod1: "2",
  paymentMethod2: "",
  paymentMethod3: "",
};

const ok = (bytes: Uint8Array) => `${toHex(bytes)}9000`;
const select = (fid: string): [string, string] => [`00A4000002${fid}`, "9000"];
const readRecords = (file: FileId, values: Record<string, unknown>): [string, string][] =>
  encodeTlvFile(file, values as never).map((r, i) => [`00B2${(i + 1).toString(16).padStart(2, "0")}0400`, ok(r)]);

async function desk(mode: CardMode = "strict") {
  const card = new ScriptedCard(ATR);
  const samCard = new SchemeSam();
  const t = new MemoryTransport(["card", "sam"]);
  t.insert("card", card);
  t.insert("sam", samCard);
  const sam = await SamSession.open(await t.connect("sam"));
  await sam.verifyPin("123456");
  const session = HealthCardSession.open(await t.connect("card"), { sam, mode });
  return { card, samCard, sam, session, transport: t };
}

/** EXTERNAL AUTHENTICATE steps for `factors` (1 or 2 levels) and key reference. */
function auth(samCard: SamSession | SchemeSam, ref: string, levels: 1 | 2): [string, ScriptAnswer][] {
  const factors = levels === 2 ? [CARD_F, CITY_F] : [CARD_F];
  const crypt = (samCard as SchemeSam).cryptogram(factors, fromHex(R), P);
  return [
    ["0084000008", `${R}9000`],
    [`00820000${ref}11${toHex(crypt)}${toHex(P)}01`.replace("00820000", "008200"), "9000"],
  ];
}

describe("HealthCardSession reads (spec §6.2, §6.3)", () => {
  it("reads identity with 27 card APDUs: one SELECT per file, one authentication for DDF1", async () => {
    const { card, samCard, session } = await desk();
    card.expect(
      select("DDF1"),
      select("EF05"),
      ...readRecords("DDF1/EF05", ISSUER),
      select("EF06"),
      ...auth(samCard, "04", 2),
      ...readRecords("DDF1/EF06", HOLDER),
      select("EF08"),
      ...readRecords("DDF1/EF08", CONTACT),
    );
    const identity = await session.readIdentity();
    expect(identity.holder).toEqual(HOLDER);
    expect(identity.issuer).toMatchObject({ ...ISSUER, issuerCertificate: ISSUER.issuerCertificate });
    expect(identity.contact).toEqual(CONTACT);
    // 27 card APDUs (GET CHALLENGE + EXTERNAL AUTHENTICATE) + 2 SAM APDUs (derive, cipher with Le).
    expect(session.apduCount).toBe(27);
    // The SAM derived RK1DDF1 with both factors and the challenge (spec §6.3 step 3).
    expect(samCard.log.filter((l) => l.startsWith("80"))).toEqual(["80DE", "80FA"]);
    // Everything is cached for the session: a second read sends nothing.
    await session.readIdentity();
    expect(session.apduCount).toBe(27);
    card.assertDone();
  });

  it("reads only the records asked for, and learns cityF before entering another DF", async () => {
    const { card, samCard, session } = await desk();
    card.expect(
      select("DDF1"),
      select("EF05"),
      [`00B20A0400`, ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
      select("DF01"),
      select("EF07"),
      ...auth(samCard, "84", 2),
      ...readRecords("DF01/EF07", { education: "2", maritalStatus: "20", occupation: "1" }),
      select("EF05"),
      ...readRecords("DF01/EF05", { addressType1: "1", address1: "郑州市金水路1号" }),
    );
    expect(await session.readFile("DF01/EF07")).toEqual({ education: "2", maritalStatus: "20", occupation: "1" });
    expect((await session.readFile("DF01/EF05")).address1).toBe("郑州市金水路1号");
    card.assertDone();
  });

  it("reads the photo: the first block gives the length, the rest follows in 0x80 blocks", async () => {
    const { card, samCard, session } = await desk();
    const jpeg = concatBytes(fromHex("FFD8FFE0"), new Uint8Array(196).fill(0x42));
    const stored = encodePhoto(jpeg);
    card.expect(
      select("DDF1"),
      select("EF05"),
      ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
      select("EF07"),
      ...auth(samCard, "04", 2),
      ["00B0000080", ok(stored.subarray(0, 128))],
      ["00B000804A", ok(stored.subarray(128))],
    );
    expect(await session.readPhoto()).toEqual(jpeg);
    card.assertDone();
  });

  it("turns a wrong cryptogram into AUTH_FAILED with tries left, and a garbage record into CARD_DATA_INVALID", async () => {
    const { card, samCard, session } = await desk();
    card.expect(select("DDF1"), select("EF05"), [
      "00B20A0400",
      ok(encodeElementRecord(elementDef("cityCode"), "410100")),
    ]);
    card.expect(select("EF06"), [auth(samCard, "04", 2)[0]![0], `${R}9000`], [auth(samCard, "04", 2)[1]![0], "63C4"]);
    await expect(session.readFile("DDF1/EF06")).rejects.toMatchObject({ code: "AUTH_FAILED", data: { triesLeft: 4 } });
    card.expect(...auth(samCard, "04", 2), ["00B2010400", "0B02D59000"]);
    await expect(session.readFile("DDF1/EF06", ["name"])).rejects.toMatchObject({
      code: "CARD_DATA_INVALID",
      data: { field: "name" },
    });
    card.assertDone();
  });
});

describe("HealthCardSession writes (spec §6.4–§6.6)", () => {
  it("writes a DF01 element with UK1DF01 then enc+MAC through the SAM (STKDF01)", async () => {
    const { card, samCard, session } = await desk();
    const record = encodeElementRecord(elementDef("address1"), "郑州市金水路1号");
    const update = samCard.smUpdate([CARD_F], fromHex(R), fromHex("04DC0204"), record);
    expect(update[4]).toBe(0x74); // the vendor literal for a 100-byte element
    card.expect(
      select("DDF1"),
      select("EF05"),
      ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
      select("DF01"),
      select("EF05"),
      ...auth(samCard, "85", 1),
      ["0084000008", `${R}9000`],
      [toHex(update), "9000"],
    );
    await session.writeFile("DF01/EF05", { address1: "郑州市金水路1号" });
    // 3 to learn cityF, 2 SELECTs, 2 for authentication (GET CHALLENGE + EXTERNAL AUTH), 2 for the SM write.
    expect(session.apduCount).toBe(9);
    // SAM: derive + cryptogram, then derive + encipher + MAC, each answered at once (Le sent).
    expect(samCard.log.filter((l) => l.startsWith("80") || l === "00C0")).toEqual([
      "80DE",
      "80FA",
      "80DE",
      "80FA",
      "80FA",
    ]);
    card.assertDone();
  });

  it("validates every value before the first APDU", async () => {
    const { card, session } = await desk();
    await expect(
      session.writeFile("DDF1/EF06", { name: "张三", citizenId: "110105194912310021" }),
    ).rejects.toMatchObject({
      code: "FIELD_INVALID",
      data: { field: "citizenId" },
    });
    await expect(session.writeFile("DF02/EF05", { asthma: 2 })).rejects.toMatchObject({ code: "FIELD_INVALID" });
    expect(session.apduCount).toBe(0);
    card.assertDone();
  });

  it("writes DDF1/EF08 in plain and reports write protection of DDF1/EF06 after issuance", async () => {
    const { card, samCard, session } = await desk();
    const phone = encodeElementRecord(elementDef("phone1"), "13900139000");
    card.expect(
      select("DDF1"),
      select("EF05"),
      ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
      select("EF08"),
      ...auth(samCard, "05", 1),
      [`00DC020416${toHex(phone)}`, "9000"],
      select("EF06"),
      [`00DC010420${toHex(encodeElementRecord(elementDef("name"), "李四"))}`, "6985"],
    );
    await session.writeFile("DDF1/EF08", { phone1: "13900139000" });
    await expect(session.writeFile("DDF1/EF06", { name: "李四" })).rejects.toMatchObject({ code: "WRITE_PROTECTED" });
    card.assertDone();
  });

  it("appends allergies to the cyclic file with enc+MAC in strict mode and plain in lenient mode", async () => {
    for (const mode of ["strict", "lenient"] as const) {
      const { card, samCard, session } = await desk(mode);
      const record = new Uint8Array(120);
      record.set(fromHex("C7E0C3B9CBD8"), 0); // 青霉素
      record.set(fromHex("C6A4D5EE"), 20); // 皮疹
      const write =
        mode === "strict"
          ? [
              ["0084000008", `${R}9000`] as [string, string],
              [toHex(samCard.smUpdate([CARD_F, CITY_F], fromHex(R), fromHex("04DC0003"), record)), "9000"] as [
                string,
                string,
              ],
            ]
          : [[`00DC000378${toHex(record)}`, "9000"] as [string, string]];
      card.expect(
        select("DDF1"),
        select("EF05"),
        ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
        select("DF02"),
        select("EF07"),
        ...auth(samCard, "87", 2),
        ...write,
      );
      await session.addAllergy({ substance: "青霉素", reaction: "皮疹" });
      if (mode === "strict") expect(toHex(fromHex(card.received.at(-1)!).subarray(0, 5))).toBe("04DC000384");
      card.assertDone();
    }
  });

  it("writes the photo body with a zero length first and the real length last", async () => {
    const { card, samCard, session } = await desk();
    const jpeg = concatBytes(fromHex("FFD8FFE0"), new Uint8Array(196).fill(0x42));
    const body = encodePhoto(jpeg);
    const zeroed = body.slice();
    zeroed[0] = 0;
    zeroed[1] = 0;
    card.expect(
      select("DDF1"),
      select("EF05"),
      ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
      select("EF07"),
      ...auth(samCard, "05", 1),
      [`00D6000080${toHex(zeroed.subarray(0, 128))}`, "9000"],
      [`00D600804A${toHex(zeroed.subarray(128))}`, "9000"],
      ["00D600000200C8", "9000"],
    );
    await session.writePhoto(jpeg);
    card.assertDone();
  });
});

describe("HealthCardSession visit records (spec §6.7–§6.10)", () => {
  const visit = { institutionName: "郑州市第一人民医院", visitDateTime: "20240315093000", costAmount1: 8650 };

  function prelude(card: ScriptedCard) {
    card.expect(
      select("DDF1"),
      select("EF05"),
      ["00B2070400", ok(encodeElementRecord(elementDef("cardNumber"), ISSUER.cardNumber))],
      ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
    );
  }

  it("signs, writes data ‖ signature ‖ certificate, then sets the index flag with a MAC", async () => {
    const { card, samCard, session } = await desk();
    prelude(card);
    const data = encodeOutpatientRecord(visit);
    const signed: string[] = [];
    card.expect(
      select("DF03"),
      select("EF06"),
      ...auth(samCard, "84", 2),
      ["00B2010400", "009000"],
      ["00B2020400", "FF9000"],
      ["00B2030400", "FF9000"],
      ["00B2040400", "009000"],
      ["00B2050400", "FF9000"],
    );
    // UK1DF03 authentication happens after the signature, on the ED file.
    card.expect(select("ED02"), ...auth(samCard, "85", 2));
    for (let offset = 0; offset < ED_LAYOUT.size; offset += 128) {
      const n = Math.min(128, ED_LAYOUT.size - offset);
      card.expect([
        `00D6${offset.toString(16).padStart(4, "0")}${n.toString(16).padStart(2, "0")}${"..".repeat(n)}`,
        (cmd) => {
          signed.push(toHex(cmd.subarray(5)));
          return "9000";
        },
      ]);
    }
    card.expect(
      select("EF06"),
      ["0084000008", `${R}9000`],
      [toHex(samCard.smUpdate([CARD_F, CITY_F], fromHex(R), fromHex("84D20204"), new Uint8Array(0))), "9000"],
    );
    expect(await session.writeVisitRecord("outpatient", visit)).toEqual({ slot: 2, replaced: false });
    card.assertDone();

    const written = fromHex(signed.join(""));
    expect(written.subarray(0, ED_LAYOUT.signedLength)).toEqual(data);
    const certificate = written.subarray(ED_LAYOUT.certificateOffset);
    expect(certificate).toEqual(samCard.files.get(0x001c));
    const input = { samCertificate: certificate, cardNumber: ISSUER.cardNumber, fid: 0xed02, data };
    expect(
      PROJECT_RECORD_SIGNATURE.verify(input, written.subarray(ED_LAYOUT.signatureOffset, ED_LAYOUT.certificateOffset)),
    ).toBe(true);
  });

  it("refuses to sign without the SAM PIN before touching the card", async () => {
    const { card, session, transport } = await desk();
    const samCard = new SchemeSam();
    transport.insert("sam", samCard);
    const sam = await SamSession.open(await transport.connect("sam"));
    const unsigned = HealthCardSession.open(session.connection, { sam });
    await expect(unsigned.writeVisitRecord("inpatient", { admissionDate: "20240101" })).rejects.toMatchObject({
      code: "SAM_PIN_REQUIRED",
    });
    await expect(unsigned.writeVisitRecord("inpatient", { admissionDate: "2024" })).rejects.toMatchObject({
      code: "FIELD_INVALID",
    });
    expect(unsigned.apduCount).toBe(0);
    card.assertDone();
  });

  it("erases a slot with UK2DF03 and a MAC'd ERASE RECORD (STKDF03, 2-level)", async () => {
    const { card, samCard, session } = await desk();
    await expect(session.eraseVisitRecord("inpatient", 4)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    card.expect(
      select("DDF1"),
      select("EF05"),
      ["00B20A0400", ok(encodeElementRecord(elementDef("cityCode"), "410100"))],
      select("DF03"),
      select("EF05"),
      ...auth(samCard, "86", 1),
      ["0084000008", `${R}9000`],
      [toHex(samCard.smUpdate([CARD_F, CITY_F], fromHex(R), fromHex("840C0304"), new Uint8Array(0))), "9000"],
    );
    await session.eraseVisitRecord("inpatient", 3);
    card.assertDone();
  });

  it("reads the visit history: index, then each valid record, signature verified", async () => {
    const { card, samCard, session } = await desk();
    prelude(card);
    const data = encodeOutpatientRecord(visit);
    const certificate = samCard.files.get(0x001c)!;
    const digest = PROJECT_RECORD_SIGNATURE.digest({
      samCertificate: certificate,
      cardNumber: ISSUER.cardNumber,
      fid: 0xed01,
      data,
    });

    const full = concatBytes(data, sm2SignDigest(samCard.keyPair.privateKey, digest), certificate);
    card.expect(select("DF03"), select("EF06"), ...auth(samCard, "84", 2));
    card.expect(["00B2010400", "009000"], ...[2, 3, 4, 5].map((n): [string, string] => [`00B20${n}0400`, "FF9000"]));
    card.expect(select("ED01"));
    for (let offset = 0; offset < full.length; offset += 128) {
      const n = Math.min(128, full.length - offset);
      card.expect([
        `00B0${offset.toString(16).padStart(4, "0")}${n.toString(16).padStart(2, "0")}`,
        ok(full.subarray(offset, offset + n)),
      ]);
    }
    const history = await session.readVisitHistory({ kinds: ["outpatient"] });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: "outpatient", slot: 1, signature: "valid", record: visit });
    card.assertDone();
    // 4 prelude + 2 SELECT + 2 auth + 5 index + 1 SELECT + 26 READ BINARY
    expect(session.apduCount).toBe(40);
  });
});
