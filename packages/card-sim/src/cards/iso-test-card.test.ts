import { fromHex, parseResponse, toHex } from "@rhc/card-protocol";
import { describe, expect, it } from "vitest";
import { IsoTestCard } from "./iso-test-card.js";

const run = (card: IsoTestCard, hex: string) => parseResponse(card.process(fromHex(hex)));

describe("IsoTestCard", () => {
  it("selects by AID and FID and reads its EF with the right status words", () => {
    const card = new IsoTestCard({ content: "0123456789" });
    expect(run(card, "00B0000004").sw).toBe(0x6986);
    const fci = run(card, "00A4040008F052484354455354");
    expect(toHex(fci.data)).toBe("6F0A8408F052484354455354");
    expect(run(card, "00A40000020101").sw).toBe(0x9000);
    expect(Buffer.from(run(card, "00B0000004").data).toString()).toBe("0123");
    const tail = run(card, "00B000080A");
    expect([Buffer.from(tail.data).toString(), tail.sw]).toEqual(["89", 0x6282]);
    expect(run(card, "00B0000A01").sw).toBe(0x6b00);
    expect(run(card, "00A40000020999").sw).toBe(0x6a82);
  });

  it("updates only the writable EF and rejects malformed commands without changing state", () => {
    const card = new IsoTestCard();
    run(card, "00A40000021000");
    run(card, "00A40000020102");
    expect(run(card, "00D6000003AABBCC").sw).toBe(0x9000);
    expect(toHex(run(card, "00B0000003").data)).toBe("AABBCC");
    expect(run(card, "00D6003F02AABB").sw).toBe(0x6b00);
    expect(run(card, "00D6000005AABB").sw).toBe(0x6700);
    expect(toHex(run(card, "00B0000003").data)).toBe("AABBCC");
    run(card, "00A40000020101");
    expect(run(card, "00D6000001AA").sw).toBe(0x6982);
    expect(run(card, "80CA000000").sw).toBe(0x6e00);
    expect(run(card, "00CA000000").sw).toBe(0x6d00);
    expect(run(card, "00").sw).toBe(0x6700);
  });

  it("forgets its selection on power-on and reset", () => {
    const card = new IsoTestCard();
    run(card, "00A40000021000");
    run(card, "00A40000020101");
    card.power("reset");
    expect(run(card, "00B0000001").sw).toBe(0x6986);
  });
});
