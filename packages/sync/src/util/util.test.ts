import { describe, expect, it } from "vitest";
import { seededRandom } from "./clock.js";
import { gb11643CheckChar, isValidIdNumber } from "./gb11643.js";

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

describe("seeded randomness", () => {
  it("repeats for a seed and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
