import { describe, expect, it } from "vitest";
import { ScriptedCard } from "../testing/scripted-card.js";
import { MemoryTransport } from "../transport/memory.js";
import { fromHex } from "../util/hex.js";
import { TraceBuffer, traceConnection } from "./trace.js";

const PIN = "987654";
const CRYPTOGRAM = "CD4B1F06717B346F";
const SAM_OUTPUT = "C5CCB7E32D31BDF20887A8E55C4A899D";
const CIPHERTEXT = "AF231C975C9867395E1D70773EF28248";
const MAC = "CE9B1763";
const KEY = "00112233445566778899AABBCCDDEEFF";
const NAME = "D5C5C8FD"; // 张三 in GBK

const exchanges: [string, string][] = [
  [`0020000003${PIN}`, "9000"],
  [`805E01000798765 4FF123456`.replace(" ", ""), "9000"],
  [`0082000411${CRYPTOGRAM}112233445566778801`, "9000"],
  ["80FA0000101122334455667788 0000000000000000", "6110"],
  ["00C0000010", `${SAM_OUTPUT}9000`],
  ["0088000108A1A2A3A4A5A6A7A8", `${SAM_OUTPUT}9000`],
  [`04DC020414${CIPHERTEXT}${MAC}`, "9000"],
  [`84D4000110${KEY}`, "9000"],
  ["00B2010400", `0B04${NAME}9000`],
  [`00DC010406 0B04${NAME}`, "9000"],
  ["00A4000002DDF1", "9000"],
  ["0084000008", "A1A2A3A4A5A6A7A89000"],
];

async function run(personalData?: "show") {
  const card = new ScriptedCard("3B00", exchanges);
  const transport = new MemoryTransport(["R"]);
  transport.insert("R", card);
  const buffer = new TraceBuffer();
  const traced = traceConnection(await transport.connect("R"), buffer.sink, personalData ? { personalData } : {});
  for (const [command] of exchanges) await traced.transmit(fromHex(command));
  card.assertDone();
  return buffer;
}

describe("APDU trace redaction", () => {
  it("never shows PINs, cryptograms, SAM cipher outputs, SM payloads, keys or personal data", async () => {
    const text = (await run()).format();
    for (const secret of [PIN, "123456", CRYPTOGRAM, SAM_OUTPUT, CIPHERTEXT, MAC, KEY, NAME]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).toContain("<PIN 3 bytes>");
    expect(text).toContain("<cryptogram 17 bytes>");
    expect(text).toContain("<SAM cipher 16 bytes>");
    expect(text).toContain("<secure messaging 20 bytes>");
    expect(text).toContain("<key 16 bytes>");
    expect(text).toContain("<personal data 6 bytes>");
  });

  it("keeps the structure: headers, lengths, status words and harmless data", async () => {
    const entries = (await run()).entries();
    expect(entries).toHaveLength(exchanges.length);
    expect(entries.map((e) => e.sw)).toEqual([...exchanges.map(([, r]) => r.slice(-4))]);
    expect(entries[0]!.command).toBe("0020000003 <PIN 3 bytes>");
    expect(entries[10]!.command).toBe("00A4000002DDF1");
    expect(entries[11]!.response).toBe("A1A2A3A4A5A6A7A8");
    expect(entries.every((e) => e.reader === "R" && e.durationMs >= 0)).toBe(true);
  });

  it("shows personal data only when asked to, never the secrets", async () => {
    const text = (await run("show")).format();
    expect(text).toContain(NAME);
    for (const secret of [PIN, CRYPTOGRAM, SAM_OUTPUT, KEY]) expect(text).not.toContain(secret);
  });

  it("records failed exchanges with the error code", async () => {
    const transport = new MemoryTransport(["R"]);
    transport.insert("R", new ScriptedCard("3B00"));
    const buffer = new TraceBuffer(2);
    const traced = traceConnection(await transport.connect("R"), buffer.sink);
    transport.remove("R");
    await expect(traced.transmit(fromHex(`0020000003${PIN}`))).rejects.toMatchObject({ code: "CARD_REMOVED" });
    expect(buffer.entries()[0]).toMatchObject({ sw: "CARD_REMOVED", command: "0020000003 <PIN 3 bytes>" });
  });
});
