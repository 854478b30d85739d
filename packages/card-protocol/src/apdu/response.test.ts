import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../util/hex.js";
import { encodeResponse, parseResponse } from "./response.js";
import { describeSw, STATUS_WORDS, swError, triesLeft } from "./status-words.js";

describe("parseResponse", () => {
  it("splits body and status word", () => {
    const r = parseResponse(fromHex("0102039000"));
    expect(toHex(r.data)).toBe("010203");
    expect(r.sw).toBe(0x9000);
    expect([r.sw1, r.sw2]).toEqual([0x90, 0x00]);
    expect(toHex(encodeResponse(r.data, r.sw))).toBe("0102039000");
  });

  it("rejects responses without a status word", () => {
    expect(() => parseResponse(new Uint8Array())).toThrow(expect.objectContaining({ code: "MALFORMED_RESPONSE" }));
    expect(() => parseResponse(Uint8Array.of(0x90))).toThrow(expect.objectContaining({ code: "MALFORMED_RESPONSE" }));
  });
});

describe("status words", () => {
  it("decodes counts carried in the status word", () => {
    expect(describeSw(0x63c2).en).toBe("verification failed, 2 tries left");
    expect(describeSw(0x63c0).zh).toContain("0 次");
    expect(describeSw(0x6110).en).toContain("16 bytes");
    expect(describeSw(0x6c00).en).toContain("256 bytes");
    expect(triesLeft(0x63c5)).toBe(5);
    expect(triesLeft(0x6983)).toBeUndefined();
    expect(describeSw(0x1234).en).toBe("unknown status word 1234");
  });

  it("maps card refusals to typed errors that keep the status word", () => {
    const e = swError(0x6982, "READ RECORD DDF1/EF06");
    expect(e.code).toBe("SECURITY_STATUS");
    expect(e.sw).toBe(0x6982);
    expect(e.toProblem().sw).toBe("6982");
    expect(e.detail).toContain("READ RECORD DDF1/EF06");
    expect(swError(0x63c1, "VERIFY").data).toEqual({ triesLeft: 1 });
    expect(swError(0x6a82, "SELECT").code).toBe("FILE_NOT_FOUND");
    expect(swError(0x9303, "SELECT").code).toBe("APP_BLOCKED");
    expect(swError(0x6f42, "X").code).toBe("CARD_STATUS");
  });

  it("has every status word of the spec reference §5.4 with both languages", () => {
    const required = [
      "9000",
      "61XX",
      "63CX",
      "6581",
      "6700",
      "6981",
      "6982",
      "6983",
      "6984",
      "6985",
      "6986",
      "6987",
      "6988",
      "6A80",
      "6A81",
      "6A82",
      "6A83",
      "6A86",
      "6A88",
      "6B00",
      "6CXX",
      "6D00",
      "6E00",
      "9303",
    ];
    for (const pattern of required) {
      const entry = STATUS_WORDS.find((e) => e.pattern === pattern);
      expect(entry, pattern).toBeDefined();
      expect(entry!.en.length).toBeGreaterThan(3);
      expect(entry!.zh.length).toBeGreaterThan(1);
    }
  });
});
