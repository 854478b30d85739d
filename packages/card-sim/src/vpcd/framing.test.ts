import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder } from "./framing.js";

describe("vpcd framing", () => {
  it("prefixes a big-endian length", () => {
    expect([...encodeFrame(Uint8Array.of(0x04))]).toEqual([0, 1, 4]);
    expect([...encodeFrame(new Uint8Array(300)).subarray(0, 2)]).toEqual([1, 44]);
    expect(() => encodeFrame(new Uint8Array(0x10000))).toThrow(RangeError);
  });

  it("reassembles frames split and merged arbitrarily by TCP", () => {
    const frames = [Uint8Array.of(1), Uint8Array.of(0, 0xa4, 4, 0), new Uint8Array(500).fill(9), Uint8Array.of(4)];
    const stream = Buffer.concat(frames.map((f) => encodeFrame(f)));
    for (const step of [1, 2, 3, 7, 64, stream.length]) {
      const decoder = new FrameDecoder();
      const out: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += step) out.push(...decoder.push(stream.subarray(i, i + step)));
      expect(out).toEqual(frames);
      expect(decoder.pending).toBe(0);
    }
  });
});
