import { describe, expect, it } from "vitest";
import { ERROR_CODES, isRhcError, RhcError, toRhcError } from "./index.js";

describe("RhcError", () => {
  it("carries a stable code, the retriable flag and both languages", () => {
    const e = new RhcError("CARD_REMOVED", { detail: 'reader "R1"', sw: 0x6f00 });
    expect(e.code).toBe("CARD_REMOVED");
    expect(e.retriable).toBe(true);
    expect(e.messages.zh).toContain("重新插入");
    expect(e.messages.zh).toContain('reader "R1"');
    expect(e.message).toContain('reader "R1"');
    expect(e.toProblem()).toMatchObject({
      status: 409,
      code: "CARD_REMOVED",
      sw: "6F00",
      type: "urn:rhc:error:CARD_REMOVED",
    });
  });

  it("survives a trip through JSON (threads, processes, HTTP)", () => {
    const e = new RhcError("PIN_INVALID", { detail: "staff card", data: { triesLeft: 2 }, retriable: false });
    const json = JSON.parse(JSON.stringify(e));
    expect(json.message).toBe(e.message); // printable text for loggers and test runners
    expect(json.messages.zh).toContain("PIN");
    const back = RhcError.fromProblem(json);
    expect(back).toBeInstanceOf(RhcError);
    expect(back).toMatchObject({ code: "PIN_INVALID", retriable: false, detail: "staff card", data: { triesLeft: 2 } });
    expect(RhcError.fromProblem(e.toProblem())).toMatchObject({ code: "PIN_INVALID", retriable: false });
    expect(RhcError.fromProblem({ code: "NOT_A_CODE" })).toBeUndefined();
    expect(RhcError.fromProblem("x")).toBeUndefined();
  });

  it("wraps foreign errors without losing them", () => {
    const cause = new TypeError("boom");
    const e = toRhcError(cause, "STORE_IO");
    expect(e.code).toBe("STORE_IO");
    expect(e.cause).toBe(cause);
    expect(toRhcError(e)).toBe(e);
    expect(isRhcError(e, "STORE_IO")).toBe(true);
    expect(isRhcError(e, "INTERNAL")).toBe(false);
  });

  it("gives every code operator text in zh-CN and en and an HTTP status", () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(spec.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(spec.en.length, code).toBeGreaterThan(5);
      expect(spec.http, code).toBeGreaterThanOrEqual(400);
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });
});
