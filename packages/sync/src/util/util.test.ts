import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "./canonical-json.js";
import { seededRandom } from "./clock.js";
import { gb11643CheckChar, isValidIdNumber } from "./gb11643.js";
import { UUID_V7, uuidv7 } from "./uuidv7.js";

describe("GB 11643 check character", () => {
  // Known vectors (the standard's example and a widely published one), computed by hand too.
  it.each([
    ["11010519491231002", "X"],
    ["44052418800101001", "4"],
  ])("%s → %s", (first17, check) => {
    expect(gb11643CheckChar(first17)).toBe(check);
    expect(isValidIdNumber(first17 + check)).toBe(true);
  });
  it("rejects a wrong check character, bad dates and bad shapes", () => {
    expect(isValidIdNumber("110105194912310021")).toBe(false);
    // The sample id of the HL7 v3 message in the platform contract carries a wrong check character
    // (sum 261, 261 mod 11 = 8 → "4", not "6"): it must not pass.
    expect(isValidIdNumber("120109197706015516")).toBe(false);
    expect(isValidIdNumber("11010519491331002X")).toBe(false);
    expect(isValidIdNumber("1101051949123100")).toBe(false);
    expect(() => gb11643CheckChar("abc")).toThrow(RangeError);
  });
});

describe("UUIDv7", () => {
  it("encodes the millisecond time first, with version 7 and the RFC variant", () => {
    const id = uuidv7({ now: () => 0x0190_1234_5678 }, seededRandom(1));
    expect(id).toMatch(UUID_V7);
    expect(id.startsWith("01901234-5678-7")).toBe(true);
    const a = uuidv7({ now: () => 1000 }, seededRandom(2));
    const b = uuidv7({ now: () => 2000 }, seededRandom(2));
    expect(a < b).toBe(true);
  });
});

describe("canonical JSON", () => {
  it("sorts keys at every level and drops undefined, so hashes match across systems", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(sha256Hex(canonicalJson({ x: "健康卡" }))).toBe(sha256Hex('{"x":"健康卡"}'));
  });
});

describe("seeded randomness", () => {
  it("repeats for a seed and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
