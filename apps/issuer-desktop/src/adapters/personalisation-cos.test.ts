import type { ApduChannel } from "@rhc/card-protocol";
import { isRhcError, RhcError } from "@rhc/errors";
import { describe, expect, it } from "vitest";
import { fmcosStylePersonalisation, WRITE_KEY_P1, type WriteKeyP1 } from "./personalisation-cos.js";

/** A card that answers every command with one status word (pure logic: the real card is in test/). */
const answering = (sw: number) => {
  const sent: Uint8Array[] = [];
  const card = {
    async send(command: { data?: Uint8Array; ins: number }) {
      sent.push(Uint8Array.of(command.ins));
      return { sw, data: new Uint8Array() };
    },
  } as unknown as ApduChannel;
  return { card, sent };
};

describe("fmcosStylePersonalisation", () => {
  it("maps the transport-slot WRITE KEY answer to the lifecycle, with one APDU", async () => {
    for (const [sw, lifecycle] of [
      [0x6a88, "personalisation"],
      [0x6985, "activated"],
      [0x9000, "unknown"],
      [0x6d00, "unknown"],
    ] as const) {
      const { card, sent } = answering(sw);
      expect(await fmcosStylePersonalisation.lifecycle(card)).toBe(lifecycle);
      expect(sent).toEqual([Uint8Array.of(0xd4)]);
    }
  });

  it("loads a key with P1 00 and replaces it (P1 01) only when the slot answers 6985", async () => {
    const tries: WriteKeyP1[] = [];
    await fmcosStylePersonalisation.writeKey(async (p1) => {
      tries.push(p1);
    });
    expect(tries).toEqual([WRITE_KEY_P1.load]);

    tries.length = 0;
    await fmcosStylePersonalisation.writeKey(async (p1) => {
      tries.push(p1);
      if (p1 === WRITE_KEY_P1.load) throw new RhcError("CARD_STATUS", { sw: 0x6985 });
    });
    expect(tries).toEqual([WRITE_KEY_P1.load, WRITE_KEY_P1.replace]);

    tries.length = 0;
    const refused = fmcosStylePersonalisation.writeKey(async (p1) => {
      tries.push(p1);
      throw new RhcError("CARD_STATUS", { sw: 0x6982 });
    });
    await expect(refused).rejects.toSatisfy((e) => isRhcError(e) && e.sw === 0x6982);
    expect(tries).toEqual([WRITE_KEY_P1.load]);
  });
});
