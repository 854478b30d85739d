import { describe, expect, it } from "vitest";
import { applyHotlistPolicy, maskCardNo } from "./hotlist-policy.js";

const card = "110101199001011234";
const hour = 3_600_000;
const warn = { warnAfterHours: 24, denyAfterHours: 1000, neverLoaded: "warn" as const };
const deny = { warnAfterHours: 24, denyAfterHours: 48, neverLoaded: "deny" as const };

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

  it("past warnAfterHours passes with stale=true; past denyAfterHours refuses with LIST_STALE", () => {
    expect(applyHotlistPolicy({ listed: false, listVersion: 4, ageMs: 25 * hour }, deny, card)).toMatchObject({
      stale: true,
    });
    expect(() => applyHotlistPolicy({ listed: false, listVersion: 4, ageMs: 49 * hour }, deny, card)).toThrow(
      expect.objectContaining({ code: "LIST_STALE", retriable: true, data: { listVersion: 4, ageMs: 49 * hour } }),
    );
    expect(applyHotlistPolicy({ listed: false, listVersion: 4, ageMs: 49 * hour }, warn, card)).toMatchObject({
      stale: true,
    });
  });

  it("a list never loaded follows neverLoaded", () => {
    expect(applyHotlistPolicy({ listed: false, listVersion: null, ageMs: null }, warn, card)).toMatchObject({
      stale: true,
    });
    expect(() => applyHotlistPolicy({ listed: false, listVersion: null, ageMs: null }, deny, card)).toThrow(
      expect.objectContaining({ code: "LIST_STALE" }),
    );
  });

  it("masks card numbers", () => {
    expect(maskCardNo(card)).toBe("1101**********1234");
    expect(maskCardNo("1234")).toBe("****");
  });
});
