import { describe, expect, it } from "vitest";
import { ScriptedCard, type ScriptStep } from "../testing/scripted-card.js";
import { MemoryTransport } from "../transport/memory.js";
import { fromHex, toHex } from "../util/hex.js";
import { SamSession } from "./sam-session.js";

export const SAM_OPEN: ScriptStep[] = [
  ["00A40000023F00", "9000"],
  ["00A40000020015", "9000"],
  ["00B000000E", "0123456789ABCDEF0011 10 02 01 00 9000"],
  ["00A40000020016", "9000"],
  ["00B0000006", "410100000001 9000"],
  ["00A4000002DF01", "9000"],
];

async function open(steps: ScriptStep[]) {
  const sam = new ScriptedCard("3B00", [...SAM_OPEN, ...steps]);
  const t = new MemoryTransport(["SAM"]);
  t.insert("SAM", sam);
  return { sam, session: await SamSession.open(await t.connect("SAM")) };
}

describe("SamSession", () => {
  it("opens with 6 APDUs, caching public info and terminal number, and stays in DF01", async () => {
    const { sam, session } = await open([
      ["00A400000200 1C".replace(" ", ""), "9000"],
      ["00B00000BE", `${"5A".repeat(190)}9000`],
    ]);
    expect(await session.terminalNumber()).toBe("410100000001");
    expect(await session.publicInfo()).toEqual({
      serial: "0123456789ABCDEF0011",
      version: 0x10,
      keyCardType: 2,
      commandSetVersion: 1,
      fciByte: 0,
    });
    expect(session.channel.apduCount).toBe(6);
    expect(await session.samCertificate()).toHaveLength(190);
    expect(await session.samCertificate()).toHaveLength(190); // cached: no APDU
    expect(session.channel.apduCount).toBe(8);
    sam.assertDone();
  });

  it("verifies the PIN in BCD and reports tries left and the blocked state", async () => {
    const { sam, session } = await open([
      ["0020000003123456", "63C2"],
      ["0020000003123456", "63C0"],
      ["0020000003123456", "6983"],
      ["0020000003123456", "9000"],
      ["805E010007123456FF654321", "9000"],
      ["00200000", "9000"],
    ]);
    await expect(session.verifyPin("123456")).rejects.toMatchObject({ code: "PIN_INVALID", data: { triesLeft: 2 } });
    await expect(session.verifyPin("123456")).rejects.toMatchObject({ code: "PIN_BLOCKED" });
    await expect(session.verifyPin("123456")).rejects.toMatchObject({ code: "PIN_BLOCKED", sw: 0x6983 });
    expect(session.isPinVerified).toBe(false);
    await session.verifyPin("123456");
    expect(session.isPinVerified).toBe(true);
    await session.changePin("123456", "654321");
    expect(await session.pinState()).toEqual({ state: "verified" });
    await expect(session.verifyPin("12a4")).rejects.toMatchObject({ code: "INVALID_INPUT" });
    sam.assertDone();
  });

  it("derives, enciphers, MACs and signs with the vendor APDUs", async () => {
    const factors = { cardF: fromHex("0102030405060708"), cityF: fromHex("3431303030303030") };
    const { sam, session } = await open([
      ["80DE473118 0102030405060708 3431303030303030 A1A2A3A4A5A6A7A8", "9000"],
      // Le asks for the answer at once; a T=0 SAM answers 61xx anyway and gets its GET RESPONSE.
      ["80FA000010 1122334455667788 0000000000000000 10", "6110"],
      ["00C0000010", "C5CCB7E32D31BDF20887A8E55C4A899D 9000"],
      ["80DE280310 0102030405060708 A1A2A3A4A5A6A7A8", "9000"],
      [`80FA050020 ${"00".repeat(16)} 84D20104048000000000000000000000 04`, "1F9E7623 9000"],
      [`002A9E9A20 ${"AB".repeat(32)} 00`, "6140"],
      ["00C0000040", `${"11".repeat(64)}9000`],
    ]);
    const crypt = await session.authCryptogram(
      "RK1DDF1",
      factors,
      fromHex("A1A2A3A4A5A6A7A8"),
      fromHex("1122334455667788"),
    );
    expect(toHex(crypt)).toBe("CD4B1F06717B346F"); // the §11 vector's fold
    await session.derive("STKDF01", factors, fromHex("A1A2A3A4A5A6A7A8"));
    expect(toHex(await session.mac(fromHex("84D20104048000000000000000000000")))).toBe("1F9E7623");
    expect(await session.sm2Sign(new Uint8Array(32).fill(0xab))).toHaveLength(64);
    sam.assertDone();
  });

  it("falls back to case 3 (61xx + GET RESPONSE) for the session once a SAM refuses Le", async () => {
    const factors = { cardF: fromHex("0102030405060708") };
    const { sam, session } = await open([
      ["80DE280310 0102030405060708 A1A2A3A4A5A6A7A8", "9000"],
      [`80FA050020 ${"00".repeat(16)} 84D20104048000000000000000000000 04`, "6700"],
      [`80FA050020 ${"00".repeat(16)} 84D20104048000000000000000000000`, "6104"],
      ["00C0000004", "1F9E7623 9000"],
      ["80FA000010 1122334455667788 0000000000000000", "6110"],
      ["00C0000010", "C5CCB7E32D31BDF20887A8E55C4A899D 9000"],
    ]);
    await session.derive("STKDF01", factors, fromHex("A1A2A3A4A5A6A7A8"));
    expect(toHex(await session.mac(fromHex("84D20104048000000000000000000000")))).toBe("1F9E7623");
    expect(toHex(await session.encrypt(fromHex("11223344556677880000000000000000")))).toBe(
      "C5CCB7E32D31BDF20887A8E55C4A899D",
    );
    sam.assertDone();
  });

  it("asks for the PIN when the SAM refuses crypto before verification", async () => {
    const { session } = await open([["80DE272A10 0102030405060708 A1A2A3A4A5A6A7A8", "6982"]]);
    await expect(
      session.derive("UK1DDF1", { cardF: fromHex("0102030405060708") }, fromHex("A1A2A3A4A5A6A7A8")),
    ).rejects.toMatchObject({ code: "SAM_PIN_REQUIRED" });
    await expect(session.derive("RK1DF01", { cardF: fromHex("0102030405060708") })).rejects.toMatchObject({
      code: "INTERNAL",
    });
  });
});
