import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "./canonical-json.js";
import { type Random, seededRandom } from "./clock.js";

/** The implementation canonicalJson replaced (entries, filter, sort comparator, map/join): the reference. */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
}

const KEY_CHARS = ["a", "b", "Z", "_", "0", "9", "é", "健", "康", "\u{1F600}", '"', "\\", "\n", " ", "\u0000"];
function randomKey(r: Random): string {
  if (r.next() < 0.1) return String(Math.floor(r.next() * 20)); // integer-like keys: V8 orders them first
  let k = "";
  for (let n = Math.floor(r.next() * 5); n >= 0; n--) k += KEY_CHARS[Math.floor(r.next() * KEY_CHARS.length)];
  return k;
}
function randomValue(r: Random, depth: number): unknown {
  const pick = Math.floor(r.next() * (depth > 3 ? 9 : 11));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return r.next() < 0.5;
    case 3:
      return Math.floor((r.next() - 0.5) * 2 ** 40);
    case 4:
      return [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, 5e-324, 0.1 + 0.2][Math.floor(r.next() * 6)];
    case 5:
    case 6:
      return randomKey(r);
    case 7:
      return "健康卡 \u2028 \u{1F600} \ud800"; // lone surrogate: JSON.stringify escapes it
    case 8:
      return (r.next() - 0.5) * 1e6;
    case 9:
      return Array.from({ length: Math.floor(r.next() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let n = Math.floor(r.next() * 6); n > 0; n--) o[randomKey(r)] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe("canonical JSON", () => {
  it("sorts keys at every level and drops undefined, so hashes match across systems", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(sha256Hex(canonicalJson({ x: "健康卡" }))).toBe(sha256Hex('{"x":"健康卡"}'));
  });

  it("gives the same text as the previous implementation on 20,000 random payloads", () => {
    const r = seededRandom(2026);
    for (let i = 0; i < 20_000; i++) {
      const payload = randomValue(r, 0);
      expect(canonicalJson(payload)).toBe(reference(payload));
    }
  });

  it("matches the previous implementation on flat event payloads and on non-JSON values", () => {
    const r = seededRandom(6);
    for (let i = 0; i < 5_000; i++) {
      const flat: Record<string, unknown> = {};
      for (let n = Math.floor(r.next() * 12); n > 0; n--) flat[randomKey(r)] = randomValue(r, 4);
      expect(canonicalJson(flat)).toBe(reference(flat));
    }
    const odd = { f: () => 1, s: Symbol("s"), d: new Date(0), m: new Map([[1, 2]]), a: [undefined, () => 1] };
    expect(canonicalJson(odd)).toBe(reference(odd));
    expect(canonicalJson(undefined)).toBe("null");
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  it("writes holes of sparse arrays as null (the previous implementation wrote invalid JSON for them)", () => {
    // biome-ignore lint/suspicious/noSparseArray: the case under test
    const sparse = [1, , 3];
    expect(canonicalJson(sparse)).toBe("[1,null,3]");
    expect(JSON.parse(canonicalJson({ a: sparse }))).toEqual({ a: [1, null, 3] });
  });
});

describe("sha256Hex", () => {
  it("equals a streamed SHA-256 of the same UTF-8 text or bytes", () => {
    const r = seededRandom(9);
    for (let i = 0; i < 500; i++) {
      const text = canonicalJson(randomValue(r, 0));
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
      const bytes = new Uint8Array(Math.floor(r.next() * 200)).map(() => Math.floor(r.next() * 256));
      expect(sha256Hex(bytes)).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
