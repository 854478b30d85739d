import {
  ALLERGY_LAYOUT,
  decodeElement,
  decodeLayout,
  decodeOutpatientRecord,
  elementDef,
  encodeElementRecord,
  encodeLayout,
  encodeOutpatientRecord,
  fromHex,
  IMMUNISATION_LAYOUT,
  toHex,
} from "@rhc/card-protocol";
import {
  concatBytes,
  decodeSamCertificate,
  verifyCompactChain,
  verifyVisitRecord,
  visitRecordDigest,
} from "@rhc/crypto";
import { expect } from "vitest";
import { portraitJpeg } from "../../src/generator/jpeg.js";
import type { ResidentImage, SamImage } from "../../src/image/schema.js";
import { regionPki } from "../../src/keys/pki.js";
import { toRegion } from "../../src/keys/region.js";
import { hex, type Terminal } from "./terminal.js";

export interface FlowContext {
  resident: ResidentImage;
  sam: SamImage;
  /** Element 05 of the card (read by §6.2), the issuer certificate. */
  issuerCertificate: Uint8Array;
}

export interface VendorFlow {
  name: string;
  run(t: Terminal, ctx: FlowContext): Promise<void>;
}

const person = (ctx: FlowContext) => ctx.resident.meta?.person as { name: string; citizenId: string };

/** The flows of spec §6, as the vendor code C1/C2 sends them. Each starts after §6.1 (`startSession`). */
export const VENDOR_FLOWS: readonly VendorFlow[] = [
  {
    name: "§6.2 free read of DDF1/EF05 by tag",
    async run(t, ctx) {
      const les = ["0103", "0206", "0320", "040D", "05B6", "0606", "0814", "0905", "0A0C", "3905"];
      const records: Uint8Array[] = [];
      for (const tl of les) records.push(await t.c(`00B2${tl.slice(0, 2)}00${tl.slice(2)}`));
      expect(decodeElement("cardNumber", records[6]!)).toBe(person(ctx).citizenId);
      expect(decodeElement("cityCode", records[9]!)).toBe(ctx.resident.meta?.region);
      expect(toHex(await t.c("00B2070400"))).toBe(toHex(records[6]!));
      expect(toHex(records[4]!.subarray(2))).toBe(toHex(ctx.issuerCertificate));
      expect(await t.cSw("00B2070410")).toBe(0x6c14);
    },
  },
  {
    name: "§6.3 authenticated read (RK1DDF1, RK1DF01)",
    async run(t, ctx) {
      await t.c("00A4000002EF06");
      expect(await t.cSw("00B2010400")).toBe(0x6982);
      await t.authRead("RK1DDF1", 0x04);
      expect(decodeElement("name", await t.c("00B2010400"))).toBe(person(ctx).name);
      expect(decodeElement("citizenId", await t.c("00B2050400"))).toBe(person(ctx).citizenId);
      await t.c("00A4000002DF01");
      await t.c("00A4000002EF05");
      expect(await t.cSw("00B2020400")).toBe(0x6982);
      await t.authRead("RK1DF01", 0x84);
      expect(decodeElement("addressType1", await t.c("00B2010400"))).toBe("1");
    },
  },
  {
    name: "§6.4 SM update of a TLV record (DF01/EF05 address 1, Lc 74)",
    async run(t) {
      await t.c("00A4000002DF01");
      await t.c("00A4000002EF05");
      await t.authUpdate("UK1DF01", 0x85);
      const record = encodeElementRecord(elementDef("address1"), "河南省郑州市金水路100号");
      expect(await t.cSw(hex("00DC020466", record))).toBe(0x6982);
      await t.smCommand(0xdc, 0x02, 0x04, record, "STKDF01");
      expect(t.trace.at(-1)!.command.slice(0, 10)).toBe("04DC020474");
      await t.authRead("RK1DF01", 0x84);
      expect(decodeElement("address1", await t.c("00B2020400"))).toBe("河南省郑州市金水路100号");
    },
  },
  {
    name: "§6.5 photo read and write (DDF1/EF07, 0x80 chunks)",
    async run(t) {
      await t.c("00A4000002EF07");
      await t.authRead("RK1DDF1", 0x04);
      const prefix = await t.c("00B0000002");
      const n = (prefix[0]! << 8) | prefix[1]!;
      const old = await t.readBinary(n + 2);
      expect([old[2], old[3]]).toEqual([0xff, 0xd8]);
      await t.authUpdate("UK1DDF1", 0x05);
      const image = portraitJpeg(7);
      await t.updateBinary(0, concatBytes(Uint8Array.of(image.length >> 8, image.length & 0xff), image));
      await t.authRead("RK1DDF1", 0x04);
      expect(toHex((await t.readBinary(image.length + 2)).subarray(2))).toBe(toHex(image));
    },
  },
  {
    name: "§6.6 allergy and immunisation cyclic writes (Lc 84 / 24)",
    async run(t) {
      await t.c("00A4000002DF02");
      await t.c("00A4000002EF07");
      await t.authUpdate("UK3DF02", 0x87);
      const allergy = encodeLayout(ALLERGY_LAYOUT, { substance: "芒果", reaction: "口唇红肿" });
      expect(await t.cSw(hex("00DC000378", allergy))).toBe(0x6982);
      await t.smCommand(0xdc, 0x00, 0x03, allergy, "STKDF02");
      expect(t.trace.at(-1)!.command.slice(0, 10)).toBe("04DC000384");
      await t.c("00A4000002EF08");
      const shot = encodeLayout(IMMUNISATION_LAYOUT, { vaccine: "流感疫苗", date: "20251001" });
      await t.smCommand(0xdc, 0x00, 0x03, shot, "STKDF02");
      expect(t.trace.at(-1)!.command.slice(0, 10)).toBe("04DC000324");
      await t.authRead("RK1DF02", 0x84);
      expect(decodeLayout(IMMUNISATION_LAYOUT, await t.c("00B2010400")).vaccine).toBe("流感疫苗");
      await t.c("00A4000002EF07");
      expect(decodeLayout(ALLERGY_LAYOUT, await t.c("00B2010400")).substance).toBe("芒果");
    },
  },
  {
    name: "§6.7–6.9 outpatient record: write, SAM signature, SAM certificate, index flag",
    async run(t, ctx) {
      await t.c("00A4000002DF03");
      await t.c("00A4000002EF06");
      await t.authRead("RK1DF03", 0x84);
      const flags = [];
      for (let n = 1; n <= 5; n++) flags.push((await t.c(`00B2${hex(n)}0400`))[0]);
      const slot = flags.indexOf(0xff) + 1;
      expect(slot).toBeGreaterThan(0);
      await t.authUpdate("UK1DF03", 0x85);
      await t.c(`00A4000002ED0${slot}`);
      const body = encodeOutpatientRecord({
        institutionName: "郑州市第一人民医院",
        institutionCode: "4101000001",
        visitDateTime: "20251120093000",
        outpatientNo: "MZ20251120001",
        department: "内科",
      });
      expect(body.length).toBe(3013);
      await t.updateBinary(0, body);
      // The SAM public key for Z comes from the SAM certificate (DF01/001C, 190 bytes).
      await t.s("00A4000002DF01");
      await t.s("00A4000002001C");
      const certificate = await t.s("00B00000BE");
      expect(certificate.length).toBe(190);
      const samPublic = decodeSamCertificate(certificate).fields.publicKey;
      const record = { cardNumber: person(ctx).citizenId, fid: 0xed00 + slot, data: body };
      const digest = visitRecordDigest(samPublic, record);
      const signature = await t.s(hex("002A9E9A20", digest, "00"));
      expect(signature.length).toBe(64);
      expect(verifyVisitRecord(samPublic, record, signature)).toBe(true);
      // Chain of trust: region root → issuer certificate (card DDF1/EF05 element 05) → SAM certificate.
      const chain = verifyCompactChain(
        {
          rootPublicKey: regionPki(toRegion(String(ctx.resident.meta?.region))).root.publicKey,
          issuerCertificate: ctx.issuerCertificate,
          samCertificate: certificate,
        },
        { at: "20251120" },
      );
      expect(chain.reasons).toEqual([]);
      await t.updateBinary(3013, signature);
      await t.updateBinary(3077, certificate);
      await t.c("00A4000002EF06");
      await t.macCommand(0xd2, slot, 0x04, "STKDF03");
      expect(t.trace.at(-1)!.command.slice(0, 10)).toBe(hex("84D2", slot, "0404"));
      await t.authRead("RK1DF03", 0x84);
      expect((await t.c(`00B2${hex(slot)}0400`))[0]).toBe(0x00);
      await t.c(`00A4000002ED0${slot}`);
      const stored = await t.readBinary(3267);
      expect(decodeOutpatientRecord(stored).institutionName).toBe("郑州市第一人民医院");
      expect(toHex(stored.subarray(3013, 3077))).toBe(toHex(signature));
    },
  },
  {
    name: "§6.10 erase an index slot (UK2DF03, 84 0C + MAC)",
    async run(t) {
      await t.c("00A4000002DF03");
      await t.c("00A4000002EF05");
      await t.authUpdate("UK1DF03", 0x85);
      await t.macCommand(0xd2, 0x02, 0x04, "STKDF03");
      // Marking valid does not grant erasing: that is UK2DF03's right.
      expect((await t.macCommand(0x0c, 0x02, 0x04, "STKDF03", 0x6982)).length).toBe(0);
      await t.authUpdate("UK2DF03", 0x86);
      await t.macCommand(0x0c, 0x02, 0x04, "STKDF03");
      await t.authRead("RK1DF03", 0x84);
      expect(toHex(await t.c("00B2020400"))).toBe("FF");
    },
  },
  {
    name: "§6.12 INTERNAL AUTHENTICATE checked by the SAM",
    async run(t) {
      const r8 = fromHex("0102030405060708");
      expect(await t.cSw(hex("0088000108", r8))).toBe(0x6110);
      const y = await t.c("00C0000010");
      await t.s(hex("80DE473510", t.cardF, t.cityF));
      await t.s(hex("80FA000010", r8, "0000000000000000"), 0x6110);
      expect(toHex(await t.s("00C0000010"))).toBe(toHex(y));
    },
  },
  {
    name: "§6.13 SAM PIN: wrong PIN counts down, change PIN, verify again",
    async run(t) {
      await t.s("00A4000002DF01");
      expect(await t.sSw("0020000003654321")).toBe(0x63c2);
      await t.s("0020000003123456");
      expect(await t.sSw("0020000000")).toBe(0x9000);
      await t.s("805E010007123456FF112233");
      expect(await t.sSw("0020000003123456")).toBe(0x63c2);
      await t.s("0020000003112233");
      await t.s("805E010007112233FF123456");
    },
  },
];
