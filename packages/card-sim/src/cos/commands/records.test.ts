import { describe, expect, it } from "vitest";
import { makeResidentImage } from "../../generator/resident.js";
import { cardFromImage } from "../../image/load.js";
import { defaultScheme } from "../../keys/scheme.js";
import { Cos } from "../engine.js";
import { df, ef, MF_FID } from "../layout.js";
import { BASE_COMMANDS } from "./index.js";

// READ RECORD by record identifier (P2 b3..b1 = 000 first, 001 last, 010 next, 011 previous), with
// the record pointer of ISO 7816-4 Annex C: after a selection there is no current record (next
// acts as first, previous as last); a record found becomes current; not found → 6A83 and the
// pointer stays where it was.
const A = 0xa1;
const B = 0xb2;
const RECORDS = [
  [A, 1],
  [B, 2],
  [A, 3],
  [B, 4],
  [A, 5],
];

function makeCard(): Cos {
  const layout = df(MF_FID, "MF", {
    children: [
      ef(0x0001, "records", {
        structure: "linear-fixed",
        sfi: 1,
        records: RECORDS.length,
        recordLength: 2,
        access: { read: "always", update: "never" },
      }),
    ],
  });
  const cos = new Cos({ layout, atr: Uint8Array.of(0x3b, 0x00), crypto: defaultScheme() }, BASE_COMMANDS);
  const file = cos.root.children[0]!;
  if (file.kind === "ef") file.records = RECORDS.map((r) => Uint8Array.from(r));
  cos.power("on");
  return cos;
}

/** READ RECORD P1 P2 Le 00 → "record number" (second byte), or the status word as hex. */
function read(cos: Cos, p1: number, p2: number): number | string {
  const r = cos.process(Uint8Array.of(0x00, 0xb2, p1, p2, 0x00));
  if (r.length === 4 && r[2] === 0x90 && r[3] === 0x00) return r[1]!;
  return Buffer.from(r.subarray(-2)).toString("hex").toUpperCase();
}
const FIRST = 0;
const LAST = 1;
const NEXT = 2;
const PREVIOUS = 3;
const CURRENT = 4; // by number, P1 = 00: the current record
const select = (cos: Cos) =>
  expect(cos.process(Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x00, 0x01))).toEqual(Uint8Array.of(0x90, 0x00));

describe("READ RECORD by record identifier", () => {
  it("next walks forward through the records with the identifier and stops with 6A83 at the end", () => {
    const cos = makeCard();
    select(cos);
    expect([read(cos, A, NEXT), read(cos, A, NEXT), read(cos, A, NEXT)]).toEqual([1, 3, 5]);
    expect(read(cos, A, NEXT)).toBe("6A83"); // end of file: no next record with identifier A1
    expect(read(cos, 0, CURRENT)).toBe(5); // the failed search left the pointer on record 5
    expect(read(cos, B, PREVIOUS)).toBe(4);
    expect(read(cos, A, NEXT)).toBe(5);
  });

  it("previous walks backward and stops with 6A83 at the start", () => {
    const cos = makeCard();
    select(cos);
    expect(read(cos, A, LAST)).toBe(5);
    expect([read(cos, A, PREVIOUS), read(cos, A, PREVIOUS)]).toEqual([3, 1]);
    expect(read(cos, A, PREVIOUS)).toBe("6A83");
    expect(read(cos, 0, CURRENT)).toBe(1);
    expect(read(cos, B, NEXT)).toBe(2);
    expect(read(cos, B, PREVIOUS)).toBe("6A83");
  });

  it("without a current record, next finds the first and previous the last occurrence", () => {
    const cos = makeCard();
    select(cos);
    expect(read(cos, 0, CURRENT)).toBe("6A83"); // no current record after SELECT
    expect(read(cos, B, PREVIOUS)).toBe(4);
    select(cos); // selecting the EF again forgets the pointer
    expect(read(cos, B, NEXT)).toBe(2);
    // By SFI (P2 b8..b4 = 1): the EF becomes current with no current record.
    expect(read(cos, A, (1 << 3) | PREVIOUS)).toBe(5);
  });

  it("first and last ignore the pointer; an unknown identifier is 6A83 in every mode", () => {
    const cos = makeCard();
    select(cos);
    expect(read(cos, B, NEXT)).toBe(2);
    expect(read(cos, A, FIRST)).toBe(1);
    expect(read(cos, B, LAST)).toBe(4);
    for (const mode of [FIRST, LAST, NEXT, PREVIOUS]) expect(read(cos, 0xc3, mode)).toBe("6A83");
    expect(read(cos, 0, CURRENT)).toBe(4);
  });

  it("on the resident card's DDF1/EF05 (one record per tag): next and previous by tag", () => {
    const card = cardFromImage(makeResidentImage({ seed: "records-1", region: "410100" }));
    card.power("on");
    const apdu = (hex: string) =>
      Buffer.from(card.process(Buffer.from(hex, "hex")))
        .toString("hex")
        .toUpperCase();
    apdu("00A4000002DDF1");
    apdu("00A4000002EF05");
    const cardNo = apdu("00B2080014"); // tag 08 (card number) is record 7 (spec §2.3)
    expect(apdu("00B2010400").slice(0, 4)).toBe("0101"); // record 1 = tag 01
    expect(apdu("00B2080214")).toBe(cardNo); // next tag 08 after record 1
    expect(apdu("00B2000400")).toBe(cardNo); // it is now the current record
    expect(apdu("00B2010203")).toBe("6A83"); // no tag 01 after record 7
    expect(apdu("00B2390305")).toBe("6A83"); // tag 39 (record 10) is not before record 7
    expect(apdu("00B2010303").slice(0, 4)).toBe("0101"); // previous tag 01
    expect(apdu("00B2390205").slice(0, 4)).toBe("3903"); // next tag 39 from record 1
  });
});
