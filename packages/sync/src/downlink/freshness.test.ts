import { describe, expect, it } from "vitest";
import { DEFAULT_FRESHNESS, freshness } from "./freshness.js";

describe("downlink freshness policy", () => {
  it("warns, then denies with age; a list never loaded is denied (fail closed)", () => {
    expect(freshness(0)).toBe("fresh");
    expect(freshness(DEFAULT_FRESHNESS.warnAfterMs + 1)).toBe("warn");
    expect(freshness(DEFAULT_FRESHNESS.denyAfterMs + 1)).toBe("deny");
    expect(freshness(null)).toBe("deny");
    expect(freshness(5000, { warnAfterMs: 1000, denyAfterMs: 10_000 })).toBe("warn");
  });
});
