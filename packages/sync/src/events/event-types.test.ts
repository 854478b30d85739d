import { describe, expect, it } from "vitest";
import { validatePayload } from "./envelope.js";
import { EVENT_TYPE_NAMES, EVENT_TYPES } from "./event-types.js";

describe("event type table", () => {
  it("holds the ten contract types, each with an aggregate kind and a summary", () => {
    expect(EVENT_TYPE_NAMES).toEqual([
      "card.issued",
      "card.read",
      "card.reported_lost",
      "card.unblocked",
      "card.replaced",
      "card.pin_reset",
      "clinician.login",
      "clinician.logout",
      "record.written",
      "settlement.recorded",
    ]);
    for (const t of Object.values(EVENT_TYPES)) expect(t.summary.length).toBeGreaterThan(10);
  });
  it("validates payloads per type", () => {
    expect(validatePayload("card.pin_reset", { cardNo: "HC11010100000001", method: "issuer" }).ok).toBe(true);
    const bad = validatePayload("card.issued", { cardNo: "HC11010100000001", idNo: "123" });
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.reason).toContain("idNo");
    expect(validatePayload("card.flew", {}).ok).toBe(false);
  });
});
