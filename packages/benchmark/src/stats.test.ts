import { describe, expect, it } from "vitest";
import { stats } from "./stats.js";

describe("stats", () => {
  it("computes interpolated quantiles", () => {
    const s = stats([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ count: 5, min: 1, median: 3, mean: 3, max: 5 });
    expect(s.p90).toBeCloseTo(4.6);
    expect(stats([1, 2, 3, 4]).median).toBe(2.5);
    expect(Number.isNaN(stats([]).median)).toBe(true);
  });
});
