import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit.js";

describe("RateLimiter", () => {
  it("allows a burst, then refills at the configured rate, per key", () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    for (let i = 0; i < 3; i++) limiter.take("a");
    expect(() => limiter.take("a")).toThrow(
      expect.objectContaining({ code: "RATE_LIMITED", data: { retryAfterSeconds: 1 } }),
    );
    limiter.take("b");
    now += 500;
    limiter.take("a");
    expect(() => limiter.take("a")).toThrow();
    now += 10_000;
    for (let i = 0; i < 3; i++) limiter.take("a");
    expect(() => limiter.take("a")).toThrow();
    expect(limiter.tryTake("a")).toBe(false);
    expect(limiter.tryTake("c")).toBe(true);
  });
});
