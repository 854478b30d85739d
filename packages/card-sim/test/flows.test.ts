import {
  ALLERGY_LAYOUT,
  decodeElement,
  decodeLayout,
  elementDef,
  encodeElementRecord,
  encodeLayout,
  fromHex,
  IMMUNISATION_LAYOUT,
  toHex,
} from "@rhc/card-protocol";
import { describe, expect, it } from "vitest";
import { makeResidentImage } from "../src/generator/resident.js";
import { makePsamImage } from "../src/generator/sam.js";
import { inProcessDesk } from "./support/in-process.js";
import { hex } from "./support/terminal.js";

const resident = makeResidentImage({ seed: "flows-1", region: "410100" });
const psam = makePsamImage({ region: "410100" });

async function desk() {
  const d = inProcessDesk(resident, psam);
  await d.terminal.startSession(d.card.atr());
  return d;
}

describe("vendor flows against in-process cards (spec §6)", () => {
  it("§6.1/6.2 reads the free issuer data by tag with the vendor Le values", async () => {
    const { terminal: t } = await desk();
    expect(toHex(t.cityF)).toBe("3431303030303030");
    const les = ["0103", "0206", "0320", "040D", "05B6", "0606", "0814", "0905", "0A0C", "3905"];
    const records = [];
    for (const tagLe of les) records.push(await t.c(`00B2${tagLe.slice(0, 2)}00${tagLe.slice(2)}`));
    expect(decodeElement("cardNumber", records[6]!)).toBe(
      resident.meta?.person && (resident.meta.person as { citizenId: string }).citizenId,
    );
    expect(decodeElement("cityCode", records[9]!)).toBe("410100");
    // By record number too, and a wrong Le gets 6Cxx with the exact length.
    expect(toHex(await t.c("00B2070400"))).toBe(toHex(records[6]!));
    expect(await t.cSw("00B2070410")).toBe(0x6c14);
  });

  it("§6.3 authenticated read of DDF1/EF06 and DF01 after EXTERNAL AUTHENTICATE", async () => {
    const { terminal: t } = await desk();
    await t.c("00A4000002EF06");
    expect(await t.cSw("00B2010400")).toBe(0x6982);
    await t.authRead("RK1DDF1", 0x04);
    const name = decodeElement("name", await t.c("00B2010400"));
    expect(name).toBe((resident.meta?.person as { name: string }).name);
    await t.c("00A4000002DF01");
    await t.c("00A4000002EF05");
    expect(await t.cSw("00B2020400")).toBe(0x6982);
    await t.authRead("RK1DF01", 0x84);
    expect(decodeElement("address1", await t.c("00B2020400"))).toContain("河南省");
  });

  it("§6.4 updates a TLV record with secure messaging (Lc 74) and refuses it in plain", async () => {
    const { terminal: t } = await desk();
    await t.c("00A4000002DF01");
    await t.c("00A4000002EF05");
    await t.authUpdate("UK1DF01", 0x85);
    const record = encodeElementRecord(elementDef("address1"), "河南省郑州市金水路100号");
    expect(await t.cSw(hex("00DC020466", record))).toBe(0x6982);
    await t.smCommand(0xdc, 0x02, 0x04, record, "STKDF01");
    expect(t.trace.at(-1)!.command.slice(0, 10)).toBe("04DC020474");
    await t.authRead("RK1DF01", 0x84);
    expect(decodeElement("address1", await t.c("00B2020400"))).toBe("河南省郑州市金水路100号");
  });

  it("§6.6 writes allergy and immunisation entries to the cyclic files (Lc 84 / 24)", async () => {
    const { terminal: t } = await desk();
    await t.c("00A4000002DF02");
    await t.c("00A4000002EF07");
    await t.authUpdate("UK3DF02", 0x87);
    const allergy = encodeLayout(ALLERGY_LAYOUT, { substance: "芒果", reaction: "口唇红肿" });
    await t.smCommand(0xdc, 0x00, 0x03, allergy, "STKDF02");
    expect(t.trace.at(-1)!.command.slice(0, 10)).toBe("04DC000384");
    expect(await t.cSw(hex("00DC000378", allergy))).toBe(0x6982);
    await t.c("00A4000002EF08");
    const shot = encodeLayout(IMMUNISATION_LAYOUT, { vaccine: "流感疫苗", date: "20251001" });
    await t.smCommand(0xdc, 0x00, 0x03, shot, "STKDF02");
    expect(t.trace.at(-1)!.command.slice(0, 10)).toBe("04DC000324");
    await t.authRead("RK1DF02", 0x84);
    expect(decodeLayout(IMMUNISATION_LAYOUT, await t.c("00B2010400")).vaccine).toBe("流感疫苗");
    await t.c("00A4000002EF07");
    expect(decodeLayout(ALLERGY_LAYOUT, await t.c("00B2010400")).substance).toBe("芒果");
  });

  it("§6.12 INTERNAL AUTHENTICATE matches the SAM's card-auth check", async () => {
    const { terminal: t } = await desk();
    const r8 = fromHex("0102030405060708");
    const y = await t.c(hex("0088000108", r8, "10"));
    const data = Buffer.concat([t.cardF, t.cityF]);
    await t.s(hex("80DE473510", data));
    await t.s(hex("80FA000010", r8, "0000000000000000"), 0x6110);
    expect(toHex(await t.s("00C0000010"))).toBe(toHex(y));
  });
});
