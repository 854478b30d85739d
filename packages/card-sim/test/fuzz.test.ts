import { describe, expect, it } from "vitest";
import type { Cos } from "../src/cos/engine.js";
import { exportState } from "../src/cos/state.js";
import { makeBlankImage, makeResidentImage } from "../src/generator/resident.js";
import { makeIsamImage, makePsamImage } from "../src/generator/sam.js";
import type { CardImage } from "../src/image/schema.js";
import { SeededRandom } from "../src/keys/seeded.js";
import { inProcess } from "./support/in-process.js";

// Thousands of random APDUs against the card objects: the simulator never throws, never answers
// 6F00 (an internal error), always answers a status word, and a refused command leaves the
// card's memory exactly as it was.
const CLAS = [0x00, 0x04, 0x80, 0x84, 0x0c, 0xa0, 0xff];
const INS = [
  0xa4, 0xb0, 0xd6, 0xb2, 0xdc, 0xe2, 0xd2, 0x0c, 0x84, 0x82, 0x88, 0xc0, 0x20, 0x5e, 0x24, 0x1e, 0x18, 0x16, 0x44,
  0xd4, 0xde, 0xfa, 0x2a, 0xca, 0x00,
];
const FIDS = [
  "3F00",
  "DDF1",
  "DF01",
  "DF02",
  "DF03",
  "EF05",
  "EF06",
  "EF07",
  "EF08",
  "ED01",
  "EE02",
  "0015",
  "001C",
  "1234",
];
const SUCCESS = (sw: number) => sw === 0x9000 || sw >> 8 === 0x61 || sw >> 4 === 0x63c || sw === 0x6282;

function randomApdu(rnd: SeededRandom): Uint8Array {
  const kind = rnd.int(10);
  if (kind === 0) return Uint8Array.from(Buffer.from(`00A4000002${rnd.pick(FIDS)}`, "hex"));
  if (kind === 1) return Uint8Array.from([0x00, 0x84, 0x00, 0x00, rnd.pick([4, 8, 16, 0, 7])]);
  if (kind === 2) return rnd.bytes(rnd.int(12));
  // The right PIN now and then, so the PIN-guarded SAM commands run too.
  if (kind === 3 && rnd.int(3) === 0) return Uint8Array.from(Buffer.from("0020000003123456", "hex"));
  const header = [
    rnd.pick(CLAS),
    rnd.pick(INS),
    rnd.int(4) ? rnd.int(12) : rnd.int(256),
    rnd.int(3) ? rnd.pick([0, 3, 4, 0x84, 0x85]) : rnd.int(256),
  ];
  const shape = rnd.int(5);
  const data = rnd.bytes(rnd.pick([0, 1, 2, 4, 8, 17, 20, 36, 116, rnd.int(255)]));
  if (shape === 0) return Uint8Array.from(header);
  if (shape === 1) return Uint8Array.from([...header, rnd.int(256)]);
  if (shape === 2 && data.length) return Uint8Array.from([...header, data.length, ...data]);
  if (shape === 3 && data.length) return Uint8Array.from([...header, data.length, ...data, rnd.int(256)]);
  return Uint8Array.from([...header, rnd.int(256), ...data]); // Lc that may not match
}

function fuzz(card: Cos, rounds: number, seed: string) {
  const rnd = new SeededRandom(seed);
  const seen = new Map<number, number>();
  let before = JSON.stringify(exportState(card));
  for (let i = 0; i < rounds; i++) {
    const apdu = randomApdu(rnd);
    const response = card.process(apdu);
    expect(response.length).toBeGreaterThanOrEqual(2);
    const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
    expect(sw, Buffer.from(apdu).toString("hex")).not.toBe(0x6f00);
    seen.set(sw, (seen.get(sw) ?? 0) + 1);
    const after = JSON.stringify(exportState(card));
    if (!SUCCESS(sw))
      expect(after === before, `refused ${Buffer.from(apdu).toString("hex")} changed the card`).toBe(true);
    before = after;
    if (rnd.int(200) === 0) card.power("reset");
  }
  return seen;
}

const cards: [string, CardImage, number][] = [
  ["issued resident card", makeResidentImage({ seed: "fuzz-1", region: "410100", holderPin: "123456" }), 3000],
  ["blank card in personalisation", makeBlankImage({ seed: "fuzz-2", region: "410100" }), 2000],
  ["vendor-mode resident card", makeResidentImage({ seed: "fuzz-3", region: "410100", mode: "vendor" }), 1500],
  ["PSAM", makePsamImage({ region: "410100" }), 1500],
  ["ISAM", makeIsamImage({ region: "410100" }), 1000],
];

describe("fuzz: random APDUs never crash the simulator or change a card they are refused by", () => {
  for (const [name, image, rounds] of cards) {
    it(`${name}: ${rounds} APDUs`, () => {
      const { card } = inProcess(image);
      const seen = fuzz(card, rounds, `fuzz/${name}`);
      // The run reached the command handlers, not only the parser.
      expect(seen.size).toBeGreaterThan(5);
      expect([...seen.keys()].some((sw) => sw === 0x9000)).toBe(true);
    });
  }
});
