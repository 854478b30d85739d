import { describe, expect, it } from "vitest";
import { canTransition, SETTLEMENT_TRANSITIONS } from "./states.js";

describe("settlement state machine", () => {
  it("leaves UNKNOWN only through a status query or a reversal", () => {
    const causes = Object.keys(SETTLEMENT_TRANSITIONS.UNKNOWN);
    expect(causes.sort()).toEqual(["reverse", "status"]);
    expect(canTransition("UNKNOWN", "settle.ok", "SETTLED")).toBe(false);
    expect(canTransition("UNKNOWN", "status", "SETTLED")).toBe(true);
    expect(canTransition("UNKNOWN", "reverse", "REVERSED")).toBe(true);
  });
  it("treats final states as final", () => {
    for (const s of ["FAILED", "REVERSED", "CANCELLED"] as const) expect(SETTLEMENT_TRANSITIONS[s]).toEqual({});
    expect(canTransition("SETTLED", "cancel", "CANCELLED")).toBe(true);
    expect(canTransition("FAILED", "reverse", "REVERSED")).toBe(false);
  });
});
