import { isRhcError } from "@rhc/errors";
import { describe, expect, it } from "vitest";
import { decodeCommand } from "./apdu/command.js";
import { parseResponse } from "./apdu/response.js";
import { decodeAns } from "./codec/ans.js";
import { decodeCn } from "./codec/cn.js";
import { decodeLayout, type RecordLayout } from "./codec/layout.js";
import { renderStyle } from "./compat/strings.js";
import { ELEMENTS } from "./health-card/elements.js";
import {
  ALLERGY_LAYOUT,
  decodeElementRecord,
  decodeIndexFlag,
  decodePhoto,
  IMMUNISATION_LAYOUT,
} from "./health-card/records.js";
import { HealthCardSession } from "./health-card/session.js";
import { ED_LAYOUT, EE_LAYOUT } from "./health-card/visit-records.js";
import { parseAtr } from "./readers/atr.js";
import { kindFromAtr } from "./readers/card-kind.js";
import { SamSession } from "./sam/sam-session.js";
import { derLength, StaffCardSession } from "./staff-card/staff-session.js";
import { MemoryTransport } from "./transport/memory.js";
import { fromHex } from "./util/hex.js";

/** xorshift32: reproducible randomness, so a failure names its seed. */
function rng(seed: number) {
  let x = seed || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    bytes(n: number): Uint8Array {
      return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
    },
  };
}

/** Runs `parse` on random input: it may succeed or throw an RhcError, never anything else. */
function fuzz(
  name: string,
  rounds: number,
  input: (r: ReturnType<typeof rng>) => Uint8Array,
  parse: (b: Uint8Array) => unknown,
) {
  const r = rng(0x5eed ^ name.length);
  for (let i = 0; i < rounds; i++) {
    const bytes = input(r);
    try {
      parse(bytes);
    } catch (error) {
      if (!isRhcError(error))
        throw new Error(`${name} threw ${String(error)} for ${Buffer.from(bytes).toString("hex")}`);
    }
  }
}

const anyLength = (max: number) => (r: ReturnType<typeof rng>) => r.bytes(r.int(max + 1));

describe("fuzz: every parser of card data answers bad input with a typed RhcError", () => {
  it("APDU codec and status words", () => {
    fuzz("parseResponse", 3000, anyLength(300), parseResponse);
    fuzz("decodeCommand", 3000, anyLength(300), decodeCommand);
  });

  it("ATR parsing and card kinds", () => {
    fuzz("parseAtr", 5000, anyLength(40), parseAtr);
    fuzz("kindFromAtr", 2000, anyLength(40), (b) => {
      expect(["resident", "sam", "staff", "unknown"]).toContain(kindFromAtr(b));
    });
    // Structured ATRs: valid TS and T0, random interface bytes.
    fuzz("parseAtr structured", 5000, (r) => Uint8Array.of(0x3b, ...r.bytes(1 + r.int(20))), parseAtr);
  });

  it("field codecs, TLV element records and fixed layouts", () => {
    const field = { key: "f", zh: "字段", en: "field" };
    fuzz("decodeAns", 3000, anyLength(100), (b) => decodeAns(b, field));
    fuzz("decodeCn", 3000, anyLength(20), (b) => decodeCn(b, field));
    for (const element of ELEMENTS) {
      fuzz(
        `element ${element.no}`,
        200,
        (r) => Uint8Array.of(element.no, ...r.bytes(r.int(element.length + 4))),
        (b) => decodeElementRecord(element, b),
      );
      fuzz(`element ${element.no} any`, 50, anyLength(element.length + 4), (b) => decodeElementRecord(element, b));
    }
    for (const layout of [ALLERGY_LAYOUT, IMMUNISATION_LAYOUT, EE_LAYOUT, ED_LAYOUT] as readonly RecordLayout[]) {
      fuzz(
        layout.name,
        300,
        (r) => r.bytes(layout.size),
        (b) => decodeLayout(layout, b),
      );
    }
  });

  it("index flags, photo, DER lengths and compat renderings", () => {
    fuzz("decodeIndexFlag", 500, anyLength(3), decodeIndexFlag);
    fuzz("decodePhoto", 2000, anyLength(3100), decodePhoto);
    fuzz("derLength", 3000, anyLength(8), (b) => derLength(b, 2048));
    fuzz("renderStyle", 2000, anyLength(40), (b) => {
      for (const style of [0x00, 0x01, 0x0f, 0xff, 0x07]) {
        try {
          renderStyle(b, style);
        } catch (error) {
          if (!isRhcError(error)) throw error;
        }
      }
    });
  });

  it("sessions over a card that answers random bytes fail with typed errors only", async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const randomCard = {
        atr: fromHex("3B690000570102030405060708"),
        transmit: () => {
          // Mostly plausible frames (data + 9000/61xx/6Cxx) with some pure garbage.
          const data = r.bytes(r.int(40));
          const sw = [
            [0x90, 0x00],
            [0x61, r.int(256)],
            [0x6c, r.int(256)],
            [0x63, 0xc0 | r.int(16)],
            [r.int(256), r.int(256)],
          ][r.int(5)]!;
          return r.int(10) === 0 ? r.bytes(r.int(3)) : Uint8Array.of(...data, ...sw);
        },
      };
      const t = new MemoryTransport(["card", "sam"]);
      t.insert("card", randomCard);
      t.insert("sam", { ...randomCard });
      const outcomes: unknown[] = [];
      const sam = await SamSession.open(await t.connect("sam"), { timeoutMs: 1000 }).catch((e: unknown) => {
        outcomes.push(e);
        return undefined;
      });
      const session = HealthCardSession.open(await t.connect("card"), { ...(sam ? { sam } : {}), timeoutMs: 1000 });
      const staff = StaffCardSession.open(await t.connect("card"), { timeoutMs: 1000 });
      for (const work of [
        () => session.readAll(),
        () => session.readVisitHistory(),
        () => session.writeFile("DF01/EF05", { address1: "测试" }),
        () => session.checkAuthenticity({ roots: [] }),
        () => staff.certificate(),
      ]) {
        outcomes.push(await work().catch((e: unknown) => e));
      }
      for (const outcome of outcomes) {
        if (outcome instanceof Error) expect(isRhcError(outcome), `seed ${seed}: ${String(outcome)}`).toBe(true);
      }
    }
  });
});
