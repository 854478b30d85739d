import { describe, expect, it } from "vitest";
import { applyHotlistPolicy, maskCardNo } from "./hotlist-policy.js";

const card = "110101199001011234";
const hour = 3_600_000;
const warn = { maxAgeHours: 24, onStale: "warn" as const };
const deny = { maxAgeHours: 24, onStale: "deny" as const };

describe("hotlist policy", () => {
  it("passes an unlisted card on a fresh list and reports the version used", () => {
    expect(applyHotlistPolicy({ listed: false, listVersion: 7, ageMs: hour }, deny, card)).toEqual({
      listed: false,
      stale: false,
      listVersion: 7,
      ageMs: hour,
    });
  });

  it("refuses a listed card even when the list is stale, naming version, age and source", () => {
    const check = {
      listed: true,
      listVersion: 3,
      ageMs: 100 * hour,
      entry: {
        cardKey: card,
        status: "blocked" as const,
        effectiveAt: "2025-01-01T00:00:00Z",
        reason: "lost",
        source: "local" as const,
      },
    };
    for (const policy of [warn, deny]) {
      expect(() => applyHotlistPolicy(check, policy, card)).toThrow(
        expect.objectContaining({
          code: "HOTLISTED",
          data: expect.objectContaining({ listVersion: 3, source: "local" }),
        }),
      );
    }
  });

  it("stale or never loaded: warn passes with stale=true, deny refuses with LIST_STALE", () => {
    for (const ageMs of [null, 25 * hour]) {
      expect(applyHotlistPolicy({ listed: false, listVersion: null, ageMs }, warn, card)).toMatchObject({
        stale: true,
      });
      expect(() => applyHotlistPolicy({ listed: false, listVersion: null, ageMs }, deny, card)).toThrow(
        expect.objectContaining({ code: "LIST_STALE", retriable: true }),
      );
    }
  });

  it("masks card numbers", () => {
    expect(maskCardNo(card)).toBe("1101**********1234");
    expect(maskCardNo("1234")).toBe("****");
  });
});
