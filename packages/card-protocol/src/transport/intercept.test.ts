import { describe, expect, it } from "vitest";
import { encodeResponse } from "../apdu/response.js";
import { withTransmit } from "./intercept.js";
import { MemoryTransport } from "./memory.js";

describe("withTransmit", () => {
  it("replaces transmit only: reader, ATR, state and disconnect stay the wrapped connection's", async () => {
    const t = new MemoryTransport(["R1"]);
    t.insert("R1", { atr: Uint8Array.of(0x3b, 0x00), transmit: (c) => encodeResponse(c, 0x9000) });
    const inner = await t.connect("R1", { share: "exclusive" });
    const seen: number[] = [];
    const outer = withTransmit(inner, (command) => {
      seen.push(command[1]!);
      return inner.transmit(command);
    });
    expect([outer.reader, outer.share, outer.protocol, outer.connected]).toEqual([
      "R1",
      "exclusive",
      inner.protocol,
      true,
    ]);
    expect(outer.atr).toEqual(Uint8Array.of(0x3b, 0x00));
    expect(await outer.transmit(Uint8Array.of(0x00, 0xa4))).toEqual(Uint8Array.of(0x00, 0xa4, 0x90, 0x00));
    expect(seen).toEqual([0xa4]);
    await outer.disconnect();
    expect([inner.connected, outer.connected]).toEqual([false, false]);
  });
});
