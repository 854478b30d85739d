import { cardAbsent, cardPresent, fromHex, parseResponse, waitForReader } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CardHost } from "../src/host/card-host.js";
import { TestDesk } from "../src/testing/index.js";

// A simulated card in a worker thread, inserted into a vpcd reader of the real pcscd.
let desk: TestDesk;

beforeAll(async () => {
  desk = await TestDesk.open();
});
afterAll(async () => {
  await desk?.close();
});

describe("CardHost + vpcd", () => {
  it("inserts a card that pcscd powers, queries and talks to", async () => {
    await desk.insert("sam", { type: "iso-test", options: { content: "sam slot" } });
    const conn = await desk.transport.connect(desk.readerName("sam"));
    expect(parseResponse(await conn.transmit(fromHex("00A40000021000"))).sw).toBe(0x9000);
    expect(parseResponse(await conn.transmit(fromHex("00A40000020101"))).sw).toBe(0x9000);
    expect(Buffer.from(parseResponse(await conn.transmit(fromHex("00B0000008"))).data).toString()).toBe("sam slot");
    await conn.disconnect();
    const [slot] = (await desk.host.status()).filter((s) => s.port === desk.port("sam"));
    expect(slot).toMatchObject({ inserted: true, type: "iso-test" });
    expect(slot!.apduCount).toBeGreaterThanOrEqual(3);
  });

  it("keeps cards in different readers apart", async () => {
    await desk.insert("staff", { type: "iso-test", options: { content: "staff slot" } });
    const staff = await desk.transport.connect(desk.readerName("staff"));
    const sam = await desk.transport.connect(desk.readerName("sam"));
    for (const [conn, text] of [
      [staff, "staff slot"],
      [sam, "sam slot"],
    ] as const) {
      await conn.transmit(fromHex("00A40000021000"));
      await conn.transmit(fromHex("00A40000020101"));
      const data = parseResponse(await conn.transmit(fromHex("00B000000A"))).data;
      expect(Buffer.from(data).toString()).toBe(text.slice(0, 10));
    }
    await staff.disconnect();
    await sam.disconnect();
  });

  it("refuses unknown card types and a second card in an occupied slot with typed errors", async () => {
    await expect(desk.host.insert(desk.port("resident"), { type: "no-such-card" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(desk.host.insert(desk.port("sam"), { type: "iso-test" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      desk.host.insert(desk.port("resident"), { type: "iso-test", options: { unknown: true } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect((await desk.transport.listReaders()).find((r) => r.name === desk.readerName("resident"))?.present).toBe(
      false,
    );
  });

  it("removes a card from its reader", async () => {
    await desk.remove("sam");
    await desk.insert("sam", { type: "iso-test" });
    await waitForReader(desk.transport, desk.readerName("sam"), cardPresent);
    await desk.host.remove(desk.port("sam"));
    await waitForReader(desk.transport, desk.readerName("sam"), cardAbsent);
    expect((await desk.host.status()).find((s) => s.port === desk.port("sam"))).toBeUndefined();
  });

  it("a card leaves its reader when its worker ends; the ended host answers typed errors, the reader stays usable", async () => {
    // A second host: its worker thread really ends (Worker.terminate), taking its card with it.
    const host = await CardHost.start();
    await host.insert(desk.port("sam"), { type: "iso-test", options: { content: "worker one" } });
    await waitForReader(desk.transport, desk.readerName("sam"), cardPresent);
    const conn = await desk.transport.connect(desk.readerName("sam"));
    expect(parseResponse(await conn.transmit(fromHex("00A40000021000"))).sw).toBe(0x9000);
    await host.terminate();
    await waitForReader(desk.transport, desk.readerName("sam"), cardAbsent);
    await expect(conn.transmit(fromHex("00A40000020101"))).rejects.toMatchObject({ code: "CARD_REMOVED" });
    await conn.disconnect().catch(() => undefined);
    await expect(host.status()).rejects.toMatchObject({ code: "INTERNAL", detail: expect.stringContaining("ended") });
    await expect(host.insert(desk.port("sam"), { type: "iso-test" })).rejects.toBeInstanceOf(RhcError);
    // The reader, pcscd and the desk's own host carry on.
    await desk.insert("sam", { type: "iso-test", options: { content: "worker two" } });
    const again = await desk.transport.connect(desk.readerName("sam"));
    await again.transmit(fromHex("00A40000021000"));
    await again.transmit(fromHex("00A40000020101"));
    expect(Buffer.from(parseResponse(await again.transmit(fromHex("00B000000A"))).data).toString()).toBe("worker two");
    await again.disconnect();
  });
});
