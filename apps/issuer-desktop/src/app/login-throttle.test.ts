import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle.js";

describe("login throttle", () => {
  it("locks after the allowed failures, doubles the lock per further failure, and resets on success", () => {
    let now = 0;
    const t = new LoginThrottle({ maxFailures: 3, lockMs: 1000, maxLockMs: 3000 }, () => now);
    for (let i = 0; i < 2; i++) {
      t.check();
      t.failed();
    }
    t.check();
    t.failed(); // third failure: locked for 1 s
    expect(() => t.check()).toThrow(expect.objectContaining({ code: "RATE_LIMITED", data: { retryAfterSeconds: 1 } }));
    now = 999;
    expect(() => t.check()).toThrow(expect.objectContaining({ code: "RATE_LIMITED" }));
    now = 1000;
    t.check();
    t.failed(); // still at the limit: 2 s
    now = 2999;
    expect(() => t.check()).toThrow(expect.objectContaining({ code: "RATE_LIMITED", data: { retryAfterSeconds: 1 } }));
    now = 3000;
    t.failed(); // 4 s, capped at 3 s
    expect(() => t.check()).toThrow(expect.objectContaining({ data: { retryAfterSeconds: 3 } }));
    now = 6000;
    t.check();
    t.succeeded();
    t.failed();
    t.check(); // one failure after a success does not lock
  });
});
