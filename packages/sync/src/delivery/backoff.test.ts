import { describe, expect, it } from "vitest";
import { seededRandom } from "../util/clock.js";
import { backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";

describe("exponential backoff with full jitter", () => {
  it("stays in [0, min(cap, base·2^(n−1))) and is capped at 10 minutes by default", () => {
    const rnd = seededRandom(7);
    for (let attempt = 1; attempt < 40; attempt++) {
      const ceiling = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, DEFAULT_BACKOFF, rnd);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
    }
    expect(DEFAULT_BACKOFF.capMs).toBe(600_000);
  });
  it("is jittered: many terminals do not retry in lockstep", () => {
    const rnd = seededRandom(9);
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(10, DEFAULT_BACKOFF, rnd)));
    expect(delays.size).toBeGreaterThan(90);
  });
});
