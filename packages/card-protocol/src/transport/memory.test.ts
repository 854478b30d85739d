import { describe, expect, it } from "vitest";
import { encodeResponse } from "../apdu/response.js";
import { MemoryTransport } from "./memory.js";
import { waitForReader } from "./wait.js";

const echoCard = { atr: Uint8Array.of(0x3b, 0x00), transmit: (c: Uint8Array) => encodeResponse(c, 0x9000) };

describe("MemoryTransport", () => {
  it("reports readers, insertion and removal", async () => {
    const t = new MemoryTransport(["R1"]);
    const before = await t.listReaders();
    expect(before).toMatchObject([{ name: "R1", present: false }]);
    const waiting = t.waitForChange(before, { timeoutMs: 5000 });
    t.insert("R1", echoCard);
    expect((await waiting)[0]).toMatchObject({ present: true, atr: echoCard.atr });
  });

  it("refuses a second client while one holds the card exclusively", async () => {
    const t = new MemoryTransport(["R1"]);
    t.insert("R1", echoCard);
    const a = await t.connect("R1", { share: "exclusive" });
    await expect(t.connect("R1")).rejects.toMatchObject({ code: "SHARING_VIOLATION", retriable: true });
    await a.disconnect();
    const b = await t.connect("R1");
    expect(await b.transmit(Uint8Array.of(1, 2))).toEqual(Uint8Array.of(1, 2, 0x90, 0));
  });

  it("fails transmits with CARD_REMOVED after removal and PCSC_UNAVAILABLE while the service is down", async () => {
    const t = new MemoryTransport(["R1"]);
    t.insert("R1", echoCard);
    const c = await t.connect("R1");
    t.remove("R1");
    await expect(c.transmit(Uint8Array.of(0))).rejects.toMatchObject({ code: "CARD_REMOVED" });
    await expect(t.connect("R1")).rejects.toMatchObject({ code: "NO_CARD" });
    await expect(t.connect("nope")).rejects.toMatchObject({ code: "NO_READER" });
    t.setServiceAvailable(false);
    await expect(t.listReaders()).rejects.toMatchObject({ code: "PCSC_UNAVAILABLE" });
    t.setServiceAvailable(true);
    expect(await t.listReaders()).toHaveLength(1);
  });

  it("times out waiting for a state that never comes", async () => {
    const t = new MemoryTransport(["R1"]);
    await expect(waitForReader(t, "R1", (s) => s?.present === true, { timeoutMs: 50 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
  });
});
