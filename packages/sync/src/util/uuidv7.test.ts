import { describe, expect, it } from "vitest";
import { seededRandom, systemRandom } from "./clock.js";
import { UUID_V7, Uuidv7Generator, uuidv7 } from "./uuidv7.js";

const timeOf = (id: string) => Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
const counterOf = (id: string) => Number.parseInt(id.slice(15, 18), 16);

describe("UUIDv7", () => {
  it("encodes the millisecond time first, with version 7 and the RFC variant", () => {
    const id = uuidv7({ now: () => 0x0190_1234_5678 }, seededRandom(1));
    expect(id).toMatch(UUID_V7);
    expect(id.startsWith("01901234-5678-7")).toBe(true);
    const a = uuidv7({ now: () => 1000 }, seededRandom(2));
    const b = uuidv7({ now: () => 2000 }, seededRandom(2));
    expect(a < b).toBe(true);
    // the whole 48-bit range, fractions floored, negative and NaN clamped to 0
    expect(timeOf(uuidv7({ now: () => 2 ** 48 - 1 }, systemRandom))).toBe(2 ** 48 - 1);
    expect(timeOf(uuidv7({ now: () => 1234.9 }, systemRandom))).toBe(1234);
    expect(timeOf(uuidv7({ now: () => -5 }, systemRandom))).toBe(0);
    expect(timeOf(uuidv7({ now: () => Number.NaN }, systemRandom))).toBe(0);
  });

  it("formats every id as RFC 9562 version 7 and carries the clock's milliseconds while it advances", () => {
    let now = 1_767_000_000_000;
    const gen = new Uuidv7Generator({ now: () => now }, systemRandom);
    for (let i = 0; i < 5000; i++) {
      now += 1 + (i % 3);
      const id = gen.next();
      expect(id).toMatch(UUID_V7);
      expect(timeOf(id)).toBe(now);
      expect(counterOf(id) & 0xf00).toBeLessThan(0x800); // a new millisecond seeds the counter below 0x800
    }
  });

  it("is strictly increasing within one millisecond, across a counter overflow and when the clock steps back", () => {
    let now = 1_767_000_000_000;
    const gen = new Uuidv7Generator({ now: () => now }, seededRandom(7));
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(gen.next()); // > 4096 per ms: the counter overflows
    const before = timeOf(ids.at(-1)!);
    now -= 60_000; // NTP step back: the last timestamp is kept
    for (let i = 0; i < 100; i++) ids.push(gen.next());
    const during = timeOf(ids.at(-1)!);
    now += 120_000;
    for (let i = 0; i < 100; i++) ids.push(gen.next());
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! < ids[i]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // an overflow moves the timestamp on by 1 ms, no more than needed; back on the clock once it passes
    const first = timeOf(ids[0]!);
    expect(timeOf(ids[9_999]!) - first).toBeLessThanOrEqual(Math.ceil(10_000 / 2048));
    expect(during - before).toBeGreaterThanOrEqual(0);
    expect(during - before).toBeLessThanOrEqual(1);
    expect(timeOf(ids.at(-1)!)).toBe(now);
  });

  it("draws its random bits from the injected source: the same seed and clock give the same ids", () => {
    const run = () => {
      const gen = new Uuidv7Generator({ now: () => 1_767_000_000_000 }, seededRandom(42));
      return Array.from({ length: 100 }, () => gen.next());
    };
    expect(run()).toEqual(run());
    const ids = run();
    const tails = new Set(ids.map((id) => id.slice(19)));
    expect(tails.size).toBe(ids.length); // 62 random bits per id
  });
});
