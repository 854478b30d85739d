import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCommand } from "../src/apdu/command.js";
import { parseResponse } from "../src/apdu/response.js";
import { cardAbsent, cardPresent, waitForReader } from "../src/transport/wait.js";
import { fromHex, toHex } from "../src/util/hex.js";

// Through the real stack: smartcard binding → libpcsclite → pcscd → vpcd → simulated card in a worker.
let desk: TestDesk;
const card = { type: "iso-test", options: { content: "hello through pcscd" } };

beforeAll(async () => {
  desk = await TestDesk.open();
});
afterAll(async () => {
  await desk?.close();
});

const SELECT_APP = fromHex("00A4040008 F052484354455354");

describe("PcscTransport through pcscd + vpcd", () => {
  it("sees the insertion, reads the ATR and exchanges APDUs", async () => {
    const reader = desk.readerName("resident");
    const status = await desk.insert("resident", card);
    expect(status.present).toBe(true);
    expect(toHex(status.atr!.subarray(0, 3))).toBe("3B8B01");
    expect(Buffer.from(status.atr!.subarray(3, -1)).toString()).toBe("RHCTestCard");

    const conn = await desk.transport.connect(reader);
    expect(conn.atr).toEqual(status.atr);
    expect(conn.protocol).toBe("T1");

    const select = parseResponse(await conn.transmit(SELECT_APP));
    expect(select.sw).toBe(0x9000);
    expect(toHex(select.data)).toBe("6F0A8408F052484354455354");
    expect(parseResponse(await conn.transmit(fromHex("00A40000020101"))).sw).toBe(0x9000);
    const read = parseResponse(await conn.transmit(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 })));
    expect(read.sw).toBe(0x9000);
    expect(Buffer.from(read.data).toString()).toBe("hello through pcscd");
    // An error status word travels back untouched.
    expect(parseResponse(await conn.transmit(fromHex("00A4040005F000000099"))).sw).toBe(0x6a82);
    expect(parseResponse(await conn.transmit(fromHex("00CA000000"))).sw).toBe(0x6d00);
    await conn.disconnect();
  });

  it("receives extended-length answers whole and sends Buffer and Uint8Array commands alike", async () => {
    const content = "0123456789".repeat(60);
    await desk.insert("staff", { type: "iso-test", options: { content } });
    const conn = await desk.transport.connect(desk.readerName("staff"));
    expect(parseResponse(await conn.transmit(Buffer.from(SELECT_APP))).sw).toBe(0x9000);
    expect(parseResponse(await conn.transmit(fromHex("00A40000020101"))).sw).toBe(0x9000);
    // Le 600 needs the extended form, and a receive buffer larger than a short APDU's 258 bytes.
    const read = parseResponse(await conn.transmit(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 600 })));
    expect(read.sw).toBe(0x9000);
    expect(Buffer.from(read.data).toString()).toBe(content);
    // A command that is a view into a larger buffer goes out as its own bytes only.
    const framed = new Uint8Array(12);
    framed.set(fromHex("00B0000004"), 3);
    expect(Buffer.from(parseResponse(await conn.transmit(framed.subarray(3, 8))).data).toString()).toBe("0123");
    await conn.disconnect();
    await desk.remove("staff");
  });

  it("sees the removal, fails a connection to the empty reader and works again after re-insertion", async () => {
    const reader = desk.readerName("resident");
    const conn = await desk.transport.connect(reader);
    await desk.remove("resident");
    await expect(conn.transmit(fromHex("0084000008"))).rejects.toMatchObject({ code: "CARD_REMOVED", retriable: true });
    await expect(desk.transport.connect(reader)).rejects.toMatchObject({ code: "NO_CARD" });

    await desk.insert("resident", card);
    const again = await desk.transport.connect(reader);
    const challenge = parseResponse(await again.transmit(fromHex("0084000008")));
    expect(challenge.sw).toBe(0x9000);
    expect(challenge.data).toHaveLength(8);
    await again.disconnect();
  });

  it("reports a sharing violation while another client holds the card exclusively", async () => {
    const reader = desk.readerName("resident");
    await waitForReader(desk.transport, reader, cardPresent);
    const exclusive = await desk.transport.connect(reader, { share: "exclusive" });
    await expect(desk.transport.connect(reader)).rejects.toMatchObject({ code: "SHARING_VIOLATION", retriable: true });
    await exclusive.disconnect();
    const shared = await desk.transport.connect(reader);
    expect(parseResponse(await shared.transmit(fromHex("00A4000002 3F00"))).sw).toBe(0x9000);
    await shared.disconnect();
  });

  it("names unknown readers and empty readers with stable codes", async () => {
    await expect(desk.transport.connect("No Such Reader 00 00")).rejects.toMatchObject({ code: "NO_READER" });
    await desk.remove("resident");
    await waitForReader(desk.transport, desk.readerName("resident"), cardAbsent);
    await expect(desk.transport.connect(desk.readerName("resident"))).rejects.toMatchObject({ code: "NO_CARD" });
  });

  it("resets the card's volatile state when a connection ends with a reset", async () => {
    const reader = desk.readerName("resident");
    await desk.insert("resident", card);
    const a = await desk.transport.connect(reader);
    expect(parseResponse(await a.transmit(SELECT_APP)).sw).toBe(0x9000);
    expect(parseResponse(await a.transmit(fromHex("00A40000020101"))).sw).toBe(0x9000);
    await a.disconnect("reset");
    const b = await desk.transport.connect(reader);
    // After the reset no EF is selected any more.
    expect(parseResponse(await b.transmit(fromHex("00B0000004"))).sw).toBe(0x6986);
    await b.disconnect();
  });
});
