import { isRhcError } from "@rhc/errors";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../util/hex.js";
import { apduCase, decodeCommand, encodeCommand } from "./command.js";

const hex = (b: Uint8Array) => toHex(b);

describe("encodeCommand", () => {
  it("encodes the four short cases", () => {
    expect(hex(encodeCommand({ cla: 0, ins: 0xa4, p1: 0, p2: 0x0c }))).toBe("00A4000C");
    expect(hex(encodeCommand({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }))).toBe("0084000008");
    expect(hex(encodeCommand({ cla: 0, ins: 0xb2, p1: 1, p2: 4, le: 256 }))).toBe("00B2010400");
    expect(hex(encodeCommand({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fromHex("DDF1") }))).toBe("00A4000002DDF1");
    expect(hex(encodeCommand({ cla: 0, ins: 0x88, p1: 0, p2: 1, data: fromHex("0102030405060708"), le: 16 }))).toBe(
      "00880001080102030405060708" + "10",
    );
  });

  it("switches to extended lengths when data or Le do not fit", () => {
    const data = new Uint8Array(300).fill(0xaa);
    const ext = encodeCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data });
    expect(hex(ext.subarray(0, 7))).toBe("00D60000" + "00012C");
    expect(ext.length).toBe(7 + 300);
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 65536 }))).toBe("00B00000000000");
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 1000 }))).toBe("00B000000003E8");
    expect(hex(encodeCommand({ cla: 0, ins: 0x2a, p1: 0x9e, p2: 0x9a, data, le: 512 })).slice(-4)).toBe("0200");
  });

  it("forces extended form on request", () => {
    expect(hex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 }, { extended: true }))).toBe("00B00000000004");
  });

  it("rejects bytes out of range and impossible lengths", () => {
    for (const bad of [
      { cla: 256, ins: 0, p1: 0, p2: 0 },
      { cla: 0, ins: -1, p1: 0, p2: 0 },
      { cla: 0, ins: 0, p1: 0, p2: 0, le: 0 },
      { cla: 0, ins: 0, p1: 0, p2: 0, le: 65537 },
      { cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(65536) },
    ]) {
      expect(() => encodeCommand(bad)).toThrow(expect.objectContaining({ code: "MALFORMED_COMMAND" }));
    }
  });
});

describe("decodeCommand", () => {
  it("round-trips every case in short and extended form", () => {
    const samples = [
      { cla: 0x80, ins: 0xca, p1: 0x9f, p2: 0x7f },
      { cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 },
      { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 },
      { cla: 0x04, ins: 0xdc, p1: 2, p2: 4, data: new Uint8Array(0x24).fill(7) },
      { cla: 0, ins: 0x88, p1: 0, p2: 1, data: fromHex("A1A2A3A4A5A6A7A8"), le: 16 },
      { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(600).fill(1) },
      { cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4096 },
      { cla: 0, ins: 0x2a, p1: 0x9e, p2: 0x9a, data: new Uint8Array(300), le: 65536 },
    ];
    for (const cmd of samples) {
      for (const extended of [false, true]) {
        const decoded = decodeCommand(encodeCommand(cmd, { extended }));
        expect(decoded.case).toBe(apduCase(cmd));
        expect({ ...decoded, case: undefined, extended: undefined }).toEqual({
          ...cmd,
          case: undefined,
          extended: undefined,
        });
      }
    }
  });

  it("reports malformed commands instead of guessing", () => {
    for (const bad of ["00A4", "00A40000", "00A4000005DDF1", "00A400000000", "00D60000000005AABB"]) {
      let caught: unknown;
      try {
        const decoded = decodeCommand(fromHex(bad));
        if (bad === "00A40000") expect(decoded.case).toBe(1);
        else caught = decoded;
      } catch (error) {
        caught = error;
      }
      if (bad !== "00A40000") expect(isRhcError(caught, "MALFORMED_COMMAND")).toBe(true);
    }
  });
});
