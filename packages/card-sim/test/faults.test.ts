import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CardConnection, cardAbsent, fromHex, parseResponse, waitForReader } from "@rhc/card-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeResidentImage } from "../src/generator/resident.js";
import { makePsamImage } from "../src/generator/sam.js";
import { parseImage } from "../src/image/store.js";
import { TestDesk } from "../src/testing/index.js";
import { Terminal } from "./support/terminal.js";

// Faults shown by a simulated card in a vpcd reader, seen by a PC/SC client through pcscd.
const dir = mkdtempSync(join(tmpdir(), "rhc-faults-"));
const file = join(dir, "resident.json");
const image = makeResidentImage({ seed: "faults-1", region: "410100" });
let desk: TestDesk;

const photoFile = () => {
  const stored = parseImage(JSON.parse(readFileSync(file, "utf8")));
  return (stored.cos.files["3F00/DDF1/EF07"] as { data: string }).data;
};

beforeAll(async () => {
  desk = await TestDesk.open();
});
afterAll(async () => {
  await desk?.close();
});

async function insert(): Promise<CardConnection> {
  await desk.insert("resident", { type: "resident", options: { image: file } });
  return desk.transport.connect(desk.readerName("resident"));
}

const sw = async (conn: CardConnection, hex: string) => parseResponse(await conn.transmit(fromHex(hex))).sw;
const port = () => desk.port("resident");

describe("fault injection through pcscd", () => {
  it("forces a status word without executing the command", async () => {
    await desk.insert("resident", { type: "resident", options: { image, save: file } });
    const conn = await desk.transport.connect(desk.readerName("resident"));
    await desk.host.setFaults(port(), { forceSw: [{ sw: 0x6581, ins: 0xb2 }] });
    await sw(conn, "00A4000002DDF1");
    await sw(conn, "00A4000002EF05");
    expect(await sw(conn, "00B2390005")).toBe(0x6581);
    expect(await sw(conn, "00B2390005")).toBe(0x9000);
    await conn.disconnect();
  });

  it("answers slowly and with garbage or truncated responses", async () => {
    const conn = await desk.transport.connect(desk.readerName("resident"));
    await desk.host.setFaults(port(), { delayMs: 300, truncate: { atApdu: 2, keep: 1 }, garbage: { atApdu: 3 } });
    const started = Date.now();
    expect(await sw(conn, "00A4000002DDF1")).toBe(0x9000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const truncated = await conn.transmit(fromHex("00A4000002EF05"));
    expect(truncated.length).toBe(1);
    expect(() => parseResponse(truncated)).toThrow(expect.objectContaining({ code: "MALFORMED_RESPONSE" }));
    const garbage = await conn.transmit(fromHex("00B2390005"));
    expect(Buffer.from(garbage).toString("hex")).not.toBe("390341010090" + "00");
    await desk.host.setFaults(port(), {});
    await conn.disconnect();
  });

  it("is pulled after N APDUs", async () => {
    const conn = await desk.transport.connect(desk.readerName("resident"));
    await desk.host.setFaults(port(), { removeAfterApdus: 2 });
    expect(await sw(conn, "00A4000002DDF1")).toBe(0x9000);
    expect(await sw(conn, "00A4000002EF05")).toBe(0x9000);
    await waitForReader(desk.transport, desk.readerName("resident"), cardAbsent);
    await expect(conn.transmit(fromHex("00B2390005"))).rejects.toMatchObject({ code: "CARD_REMOVED" });
    await conn.disconnect().catch(() => undefined);
    await desk.host.remove(port());
  });

  it("is pulled in the middle of a write: not applied, or applied, and the saved image tells which", async () => {
    await desk.insert("sam", { type: "psam", options: { image: makePsamImage({ region: "410100" }) } });
    const samConn = await desk.transport.connect(desk.readerName("sam"));
    for (const applied of [false, true]) {
      const before = photoFile();
      const conn = await insert();
      const t = new Terminal(
        (a) => conn.transmit(a),
        (a) => samConn.transmit(a),
      );
      await t.startSession(conn.atr);
      await t.c("00A4000002EF07");
      await t.authUpdate("UK1DDF1", 0x05);
      await desk.host.setFaults(port(), { tear: { atApdu: 1, applied } });
      // No answer: a transport error or an empty frame, never a status word.
      const answer = await conn.transmit(fromHex("00D6000002ABCD")).then(
        (r) => r.length,
        () => -1,
      );
      expect(answer).toBeLessThan(2);
      await waitForReader(desk.transport, desk.readerName("resident"), cardAbsent);
      await conn.disconnect().catch(() => undefined);
      await desk.host.remove(port());
      const after = photoFile();
      expect(after.slice(0, 4)).toBe(applied ? "ABCD" : before.slice(0, 4));
      expect(after.slice(4)).toBe(before.slice(4));
    }
    await samConn.disconnect();
    await desk.remove("sam");
  });

  it("goes mute: no answer until the reader gives up", async () => {
    const conn = await insert();
    await desk.host.setFaults(port(), { mute: { atApdu: 1, releaseAfterMs: 500 } });
    const started = Date.now();
    // pcscd reports the dropped card as a failed transmit or an empty answer; never a status word.
    const answer = await conn.transmit(fromHex("00A4000002DDF1")).then(
      (r) => r.length,
      () => -1,
    );
    expect(answer).toBeLessThan(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    await conn.disconnect().catch(() => undefined);
    await desk.host.remove(port());
  });
});
