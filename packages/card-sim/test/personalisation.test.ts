import { describe, expect, it } from "vitest";
import { exportState } from "../src/cos/state.js";
import { makeBlankImage, makeResidentImage } from "../src/generator/resident.js";
import { makeIsamImage, makePsamImage } from "../src/generator/sam.js";
import { regionPki } from "../src/keys/pki.js";
import { toRegion } from "../src/keys/region.js";
import { inProcess, inProcessDesk } from "./support/in-process.js";
import { personalise } from "./support/personalise.js";
import { Terminal } from "./support/terminal.js";
import { VENDOR_FLOWS } from "./support/vendor-flows.js";

const seed = "personalise-1";
const target = makeResidentImage({ seed, region: "410100", issueDate: "20250301" });

describe("personalisation protocol [P]: blank card + ISAM", () => {
  it("turns a blank card into exactly the card makeResidentImage describes", async () => {
    const blank = inProcess(makeBlankImage({ seed, region: "410100" }));
    const isam = inProcess(makeIsamImage({ region: "410100" }));
    expect(blank.card.lifecycle).toBe("personalisation");
    const t = new Terminal(blank.transmit, isam.transmit);
    await personalise(t, blank.card.atr(), target);
    expect(exportState(blank.card)).toEqual(target.cos);
    // The personalised card then works with a desk PSAM of the same region.
    const desk = inProcessDesk({ ...target, cos: exportState(blank.card) }, makePsamImage({ region: "410100" }));
    await desk.terminal.startSession(desk.card.atr());
    await VENDOR_FLOWS.find((f) => f.name.startsWith("§6.3"))!.run(desk.terminal, {
      resident: target,
      sam: makePsamImage({ region: "410100" }),
      issuerCertificate: regionPki(toRegion("410100")).issuerCertificate,
    });
  });

  it("keys never leave the ISAM in clear and only wrap for WRITE KEY after the transport session", async () => {
    const isam = inProcess(makeIsamImage({ region: "410100" }));
    const psam = inProcess(makePsamImage({ region: "410100" }));
    const t = new Terminal(isam.transmit, psam.transmit);
    await t.c("00A4000002DF01");
    expect(await t.cSw("80D4472F140102030405060708313100000000000084D40084")).toBe(0x6982);
    await t.c("0020000003123456");
    // No transport session: refused.
    expect(await t.cSw("80D4472F140102030405060708343130303030303084D40084")).toBe(0x6985);
    await t.c("80DE2901100102030405060708A1A2A3A4A5A6A7A8");
    // The transport key cannot encrypt arbitrary data, only wrap.
    expect(await t.cSw("80FA00001000000000000000000000000000000000")).toBe(0x6985);
    // Only a WRITE KEY header may be wrapped for.
    expect(await t.cSw("80D4472F140102030405060708343130303030303084DC0084")).toBe(0x6a80);
    expect(await t.cSw("80D4472F140102030405060708343130303030303084D40084")).toBe(0x6124);
    expect((await t.c("00C0000024")).length).toBe(36);
    // A PSAM has no KEY WRAP and no transport master.
    await t.s("00A4000002DF01");
    await t.s("0020000003123456");
    expect(await t.sSw("80DE2901100102030405060708A1A2A3A4A5A6A7A8")).toBe(0x6a88);
    expect(await t.sSw("80D4472F140102030405060708343130303030303084D40084")).toBe(0x6d00);
  });

  it("locks DDF1 EF05/EF06 after ACTIVATE and refuses WRITE KEY once issued", async () => {
    const { terminal: t, card } = inProcessDesk(target, makePsamImage({ region: "410100" }));
    await t.startSession(card.atr());
    await t.authUpdate("UK1DDF1", 0x05);
    expect(await t.cSw("00DC010403010131")).toBe(0x6985);
    await t.c("00A4000002EF08");
    expect(await t.cSw(`00DC020416${"10148888".padEnd(44, "0")}`)).toBe(0x9000);
    expect(await t.cSw(`84D40004${"24"}${"00".repeat(36)}`)).toBe(0x6985);
  });
});
