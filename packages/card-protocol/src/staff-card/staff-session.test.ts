import { describe, expect, it } from "vitest";
import { ScriptedCard } from "../testing/scripted-card.js";
import { MemoryTransport } from "../transport/memory.js";
import { toHex } from "../util/hex.js";
import { derLength, StaffCardSession } from "./staff-session.js";

const SELECT_APP = `00A404000AF0${Buffer.from("RHCSTAFF").toString("hex").toUpperCase()}01`;
const pinBlock = (pin: string) => Buffer.from(pin).toString("hex").toUpperCase().padEnd(16, "F");

async function open(card: ScriptedCard) {
  const t = new MemoryTransport(["staff"]);
  t.insert("staff", card);
  return StaffCardSession.open(await t.connect("staff"));
}

describe("StaffCardSession", () => {
  it("reads the DER certificate: first block for the length, then the rest", async () => {
    const der = new Uint8Array(300).fill(0x55);
    der.set([0x30, 0x82, 0x01, 0x28]); // 4 + 296 = 300 bytes
    const card = new ScriptedCard("3B00", [
      [SELECT_APP, "9000"],
      ["00A4000002C000", "9000"],
      ["00B00000F0", `${toHex(der.subarray(0, 240))}9000`],
      ["00B000F03C", `${toHex(der.subarray(240))}9000`],
    ]);
    const session = await open(card);
    expect(await session.certificate()).toEqual(der);
    expect(await session.certificate()).toEqual(der);
    card.assertDone();
  });

  it("verifies the PIN with tries left and blocking, then signs", async () => {
    const card = new ScriptedCard("3B00", [
      [SELECT_APP, "9000"],
      [`0020000108${pinBlock("1234")}`, "63C2"],
      [`0020000108${pinBlock("1234")}`, "63C0"],
      ["0020000100", "6983"].map((x, i) => (i === 0 ? "00200001" : x)) as [string, string],
      [`002C000110${pinBlock("12345678")}${pinBlock("4321")}`, "9000"],
      [`0020000108${pinBlock("4321")}`, "9000"],
      ["008800000801020304050607 0800".replace(" ", ""), `${"AB".repeat(64)}9000`],
      [`002A9E9A20${"11".repeat(32)}00`, `${"CD".repeat(64)}9000`],
      [`0024000110${pinBlock("4321")}${pinBlock("5678")}`, "63C1"],
    ]);
    const session = await open(card);
    await expect(session.signChallenge(new Uint8Array(8))).rejects.toMatchObject({ code: "PIN_INVALID" });
    await expect(session.verifyPin("1234")).rejects.toMatchObject({ code: "PIN_INVALID", data: { triesLeft: 2 } });
    await expect(session.verifyPin("1234")).rejects.toMatchObject({ code: "PIN_BLOCKED" });
    expect(await session.pinState()).toEqual({ state: "blocked" });
    await session.unblockPin("12345678", "4321");
    await session.verifyPin("4321");
    expect(await session.signChallenge(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).toHaveLength(64);
    expect(await session.signDigest(new Uint8Array(32).fill(0x11))).toHaveLength(64);
    await expect(session.changePin("4321", "5678")).rejects.toMatchObject({
      code: "PIN_INVALID",
      data: { triesLeft: 1 },
    });
    await expect(session.verifyPin("12")).rejects.toMatchObject({ code: "INVALID_INPUT" });
    card.assertDone();
  });

  it("reports a card without the staff application as WRONG_CARD_TYPE", async () => {
    const session = await open(new ScriptedCard("3B00", [[SELECT_APP, "6A82"]]));
    await expect(session.certificate()).rejects.toMatchObject({ code: "WRONG_CARD_TYPE" });
  });

  it("checks DER lengths against the file size", () => {
    expect(derLength(Uint8Array.of(0x30, 0x03), 100)).toBe(5);
    expect(derLength(Uint8Array.of(0x30, 0x82, 0x01, 0x00), 2048)).toBe(260);
    for (const bad of [[0x31, 0x03], [0x30, 0x84, 1, 1, 1, 1], [0x30, 0x82, 0x10, 0x00], [0x30]]) {
      expect(() => derLength(Uint8Array.from(bad), 2048)).toThrow(
        expect.objectContaining({ code: "CARD_DATA_INVALID" }),
      );
    }
  });
});
