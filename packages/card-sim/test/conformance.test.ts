import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CardConnection, decodeElement, fromHex } from "@rhc/card-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeResidentImage } from "../src/generator/resident.js";
import { makePsamImage } from "../src/generator/sam.js";
import { parseImage } from "../src/image/store.js";
import { regionPki } from "../src/keys/pki.js";
import { toRegion } from "../src/keys/region.js";
import { TestDesk } from "../src/testing/index.js";
import { Terminal } from "./support/terminal.js";
import { VENDOR_FLOWS } from "./support/vendor-flows.js";

// The vendor APDU flows of spec §6, byte for byte, through the real pcscd: a simulated resident
// card and desk PSAM in vpcd readers, driven by the smartcard binding.
const dir = mkdtempSync(join(tmpdir(), "rhc-conformance-"));
const residentFile = join(dir, "resident.json");
const ctx = {
  resident: makeResidentImage({ seed: "conformance-1", region: "410100" }),
  sam: makePsamImage({ region: "410100" }),
  issuerCertificate: regionPki(toRegion("410100")).issuerCertificate,
};
let desk: TestDesk;
let card: CardConnection;
let sam: CardConnection;

beforeAll(async () => {
  desk = await TestDesk.open();
  await desk.insert("resident", { type: "resident", options: { image: ctx.resident, save: residentFile } });
  await desk.insert("sam", { type: "psam", options: { image: ctx.sam } });
  card = await desk.transport.connect(desk.readerName("resident"));
  sam = await desk.transport.connect(desk.readerName("sam"));
});

afterAll(async () => {
  await card?.disconnect();
  await sam?.disconnect();
  await desk?.close();
});

describe("vendor flows through pcscd", () => {
  it("presents the spec §5.1 ATR carrying cardF", () => {
    expect(card.atr.length).toBe(13);
    expect(Buffer.from(card.atr.subarray(0, 5)).toString("hex").toUpperCase()).toBe("3B69000057");
    expect(Buffer.from(card.atr.subarray(5)).toString("hex").toUpperCase()).toBe(ctx.resident.cardF);
  });

  for (const flow of VENDOR_FLOWS) {
    it(flow.name, async () => {
      const terminal = new Terminal(
        (apdu) => card.transmit(apdu),
        (apdu) => sam.transmit(apdu),
      );
      await terminal.startSession(card.atr);
      await flow.run(terminal, ctx);
    });
  }

  it("saved the card image after the writes, so the test can inspect the card", () => {
    const image = parseImage(JSON.parse(readFileSync(residentFile, "utf8")));
    const address = image.cos.files["3F00/DDF1/DF01/EF05"];
    expect(address && "records" in address).toBe(true);
    const records = (address as { records: string[] }).records;
    expect(decodeElement("address1", fromHex(records[1]!))).toBe("河南省郑州市金水路100号");
  });
});
