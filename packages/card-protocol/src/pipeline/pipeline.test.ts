import { sm4CbcMac, sm4EncryptEcb, wst543KeyScheme } from "@rhc/crypto";
import { describe, expect, it } from "vitest";
import { encodeResponse } from "../apdu/response.js";
import { ScriptedCard } from "../testing/scripted-card.js";
import { MemoryTransport } from "../transport/memory.js";
import type { CardConnection } from "../transport/types.js";
import { fromHex, toHex } from "../util/hex.js";
import { BinaryChunker } from "./binary-chunker.js";
import { ResponseChaining } from "./chaining.js";
import { TransportProcessor } from "./processor.js";
import { type CardFactors, type SamCryptoPort, SecureMessaging, smLc } from "./secure-messaging.js";

async function connect(
  card: ScriptedCard | { atr: Uint8Array; transmit: (c: Uint8Array) => Uint8Array | Promise<Uint8Array> },
): Promise<CardConnection> {
  const t = new MemoryTransport(["R"]);
  t.insert("R", card);
  return t.connect("R");
}

describe("ResponseChaining", () => {
  it("collects 61xx continuations with GET RESPONSE and resends on 6Cxx", async () => {
    const card = new ScriptedCard("3B00", [
      ["80FA0000100102030405060708090A0B0C0D0E0F10", "6110"],
      ["00C0000010", "AABBCCDDEEFF00112233445566778899 9000"],
      ["00B2010400", "6C05"],
      ["00B2010405", "3903410100 9000"],
      ["00C0000004", "0102 6102"],
      ["00C0000002", "0304 9000"],
    ]);
    const chain = new ResponseChaining(new TransportProcessor(await connect(card)));
    const enc = await chain.send({
      cla: 0x80,
      ins: 0xfa,
      p1: 0,
      p2: 0,
      data: fromHex("0102030405060708090A0B0C0D0E0F10"),
    });
    expect(toHex(enc.data)).toBe("AABBCCDDEEFF00112233445566778899");
    const rec = await chain.send({ cla: 0, ins: 0xb2, p1: 1, p2: 4, le: 256 });
    expect([toHex(rec.data), rec.sw]).toEqual(["3903410100", 0x9000]);
    const gr = await chain.send({ cla: 0, ins: 0xc0, p1: 0, p2: 0, le: 4 });
    expect(toHex(gr.data)).toBe("01020304");
    card.assertDone();
  });

  it("gives up on a card that chains forever or answers 6Cxx twice", async () => {
    const loop = { atr: Uint8Array.of(0x3b, 0), transmit: () => encodeResponse([1], 0x6101) };
    const chain = new ResponseChaining(new TransportProcessor(await connect(loop)));
    await expect(chain.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1 })).rejects.toMatchObject({
      code: "MALFORMED_RESPONSE",
    });
    const stubborn = { atr: Uint8Array.of(0x3b, 0), transmit: () => encodeResponse([], 0x6c05) };
    const chain2 = new ResponseChaining(new TransportProcessor(await connect(stubborn)));
    expect((await chain2.send({ cla: 0, ins: 0xb2, p1: 1, p2: 4, le: 256 })).sw).toBe(0x6c05);
  });
});

describe("BinaryChunker", () => {
  it("reads in 0x80 blocks at 15-bit offsets and stops at the end of the file", async () => {
    const content = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const card = new ScriptedCard("3B00", [
      ["00B0000080", toHex(encodeResponse(content.subarray(0, 128), 0x9000))],
      ["00B0008080", toHex(encodeResponse(content.subarray(128, 256), 0x9000))],
      ["00B0010080", toHex(encodeResponse(content.subarray(256, 300), 0x6282))],
    ]);
    const chunker = new BinaryChunker(new TransportProcessor(await connect(card)));
    const r = await chunker.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 3267 });
    expect(r.data).toEqual(content);
    expect(r.sw).toBe(0x6282);
    card.assertDone();
  });

  it("writes in 0x80 blocks and stops at the first refusal", async () => {
    const data = new Uint8Array(300).fill(7);
    const card = new ScriptedCard("3B00", [
      [`00D6000C80${"07".repeat(128)}`, "9000"],
      [`00D6008C80${"07".repeat(128)}`, "6581"],
    ]);
    const chunker = new BinaryChunker(new TransportProcessor(await connect(card)));
    expect((await chunker.send({ cla: 0, ins: 0xd6, p1: 0, p2: 0x0c, data })).sw).toBe(0x6581);
    card.assertDone();
    await expect(chunker.send({ cla: 0, ins: 0xb0, p1: 0x7f, p2: 0xff, le: 300 })).rejects.toMatchObject({
      code: "MALFORMED_COMMAND",
    });
  });

  it("passes small and non-binary commands through untouched", async () => {
    const card = new ScriptedCard("3B00", [["00B0000010", `${"00".repeat(16)}9000`]]);
    const chunker = new BinaryChunker(new TransportProcessor(await connect(card)));
    expect((await chunker.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 16 })).data).toHaveLength(16);
    card.assertDone();
  });
});

/** A SAM port computing with the project key scheme, as the SAM simulator does (spec §7.3). */
function schemeSam(master: Uint8Array, log: string[]): SamCryptoPort {
  const scheme = wst543KeyScheme;
  let key = master;
  return {
    async derive(name, factors, process) {
      log.push(`derive ${name}`);
      const levels = name === "STKDDF1" || name === "STKDF01" ? [factors.cardF] : [factors.cardF, factors.cityF!];
      const card = scheme.deriveCardKey(master, levels);
      key = process ? scheme.sessionKey(card, process) : card;
    },
    async encrypt(block) {
      log.push("encrypt");
      return sm4EncryptEcb(key, block);
    },
    async mac(input) {
      log.push("mac");
      return sm4CbcMac(key, input).slice(0, 4);
    },
    exclusive(work) {
      return work(this);
    },
  };
}

describe("SecureMessaging (spec §4.5 and the §11 vectors)", () => {
  const MK = fromHex("00112233445566778899AABBCCDDEEFF");
  const factors: CardFactors = { cardF: fromHex("0102030405060708"), cityF: fromHex("3431303030303030") };

  it("enciphers and MACs UPDATE RECORD exactly as the vector (DDF1/EF08 phone, STKDDF1 1-level)", async () => {
    const card = new ScriptedCard("3B00", [
      ["0084000008", "A1A2A3A4A5A6A7A8 9000"],
      ["04DC020424 AF231C975C9867395E1D70773EF282485934C03472F32DEA0B53ED9E11BED3E3 CE9B1763", "9000"],
    ]);
    const log: string[] = [];
    const sm = new SecureMessaging(new TransportProcessor(await connect(card)), schemeSam(MK, log), () => factors);
    const tlv = fromHex("1014 3133383030313338303030 000000000000000000");
    const r = await sm.send({ cla: 0x04, ins: 0xdc, p1: 2, p2: 4, data: tlv, sm: { mode: "enc+mac", key: "STKDDF1" } });
    expect(r.sw).toBe(0x9000);
    expect(log).toEqual(["derive STKDDF1", "encrypt", "mac"]);
    card.assertDone();
  });

  it("MACs WRITE RECORD exactly as the vector (DF03/EF05 record 1, STKDF03 2-level)", async () => {
    const card = new ScriptedCard("3B00", [
      ["0084000008", "A1A2A3A4A5A6A7A8 9000"],
      ["84D20104041F9E7623", "9000"],
    ]);
    const sm = new SecureMessaging(new TransportProcessor(await connect(card)), schemeSam(MK, []), () => factors);
    expect((await sm.send({ cla: 0x84, ins: 0xd2, p1: 1, p2: 4, sm: { mode: "mac", key: "STKDF03" } })).sw).toBe(
      0x9000,
    );
    card.assertDone();
  });

  it("stops before the SAM when the card refuses the challenge", async () => {
    const card = new ScriptedCard("3B00", [["0084000008", "6D00"]]);
    const log: string[] = [];
    const sm = new SecureMessaging(new TransportProcessor(await connect(card)), schemeSam(MK, log), () => factors);
    await expect(
      sm.send({ cla: 0x84, ins: 0xd2, p1: 1, p2: 4, sm: { mode: "mac", key: "STKDF03" } }),
    ).rejects.toMatchObject({
      code: "CARD_STATUS",
      sw: 0x6d00,
    });
    expect(log).toEqual([]);
  });

  it("matches every Lc literal of the vendor code (4→14, 18→24, 30→34, 100→74, 180→C4, 120→84, 24→24)", () => {
    // TLV records carry 2 bytes of T and L; the cyclic records are raw.
    const cases: [number, number][] = [
      [2 + 4, 0x14],
      [2 + 18, 0x24],
      [2 + 30, 0x34],
      [2 + 100, 0x74],
      [2 + 180, 0xc4],
      [120, 0x84],
      [24, 0x24],
    ];
    for (const [n, lc] of cases) expect(smLc(n, "enc+mac"), `${n}`).toBe(lc);
    expect(smLc(0, "mac")).toBe(4);
  });
});

describe("TransportProcessor", () => {
  it("reports a card that never answers as CARD_MUTE and refuses further commands", async () => {
    const mute = { atr: Uint8Array.of(0x3b, 0), transmit: () => new Promise<Uint8Array>(() => {}) };
    const processor = new TransportProcessor(await connect(mute), { timeoutMs: 50 });
    await expect(processor.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 })).rejects.toMatchObject({
      code: "CARD_MUTE",
    });
    await expect(processor.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 })).rejects.toMatchObject({
      code: "CARD_MUTE",
    });
    expect(processor.count).toBe(1);
  });

  it("rejects a response without a status word", async () => {
    const broken = { atr: Uint8Array.of(0x3b, 0), transmit: () => Uint8Array.of(0x90) };
    const processor = new TransportProcessor(await connect(broken));
    await expect(processor.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 })).rejects.toMatchObject({
      code: "MALFORMED_RESPONSE",
    });
  });
});
