import { describe, expect, it } from "vitest";
import { seededRandom } from "./clock.js";
import { isoTime } from "./iso-time.js";

describe("isoTime", () => {
  it("prints what Date#toISOString prints, over the four-digit-year range and at day boundaries", () => {
    const rnd = seededRandom(11);
    const samples = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 1_767_225_599_999, 253_402_300_799_999];
    for (let i = 0; i < 20_000; i++) samples.push(Math.floor(rnd.next() * 253_402_300_800_000));
    // consecutive stamps around midnight exercise the per-day cache in both directions
    for (let t = 1_767_225_598_000; t < 1_767_225_602_000; t += 7) samples.push(t, t - 86_400_000);
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("leaves negative, fractional and far-future times to Date (six-digit years)", () => {
    for (const ms of [-1, -86_400_001, 1_767_225_600_000.5, 253_402_300_800_000, 8.64e15]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
