import { describe, expect, it } from "vitest";
import { FaultInjector } from "./injector.js";

const apdu = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));

describe("FaultInjector", () => {
  it("counts APDUs from when the plan was set", () => {
    const f = new FaultInjector();
    f.next(apdu("00A4000002DDF1"));
    f.set({ tear: { atApdu: 2, applied: true }, removeAfterApdus: 3 });
    expect(f.next(apdu("00B0000001"))).toMatchObject({ kind: "run", removeAfter: false });
    expect(f.next(apdu("00D6000001AA"))).toEqual({ kind: "tear", applied: true });
    expect(f.next(apdu("00B0000001"))).toMatchObject({ kind: "run", removeAfter: true });
  });

  it("forces status words for matching commands a limited number of times", () => {
    const f = new FaultInjector();
    f.set({ forceSw: [{ sw: 0x6581, ins: 0xd6, times: 2 }] });
    expect(f.next(apdu("00B0000001"))).toMatchObject({ kind: "run" });
    expect(f.next(apdu("00D6000001AA"))).toMatchObject({ kind: "status", sw: 0x6581 });
    expect(f.next(apdu("00D6000001AA"))).toMatchObject({ kind: "status", sw: 0x6581 });
    expect(f.next(apdu("00D6000001AA"))).toMatchObject({ kind: "run" });
  });

  it("garbles, truncates, delays and mutes", () => {
    const f = new FaultInjector();
    f.set({ delayMs: 50, truncate: { atApdu: 1, keep: 1 }, garbage: { atApdu: 2 }, mute: { atApdu: 4 } });
    const first = f.next(apdu("00B0000001"));
    expect(first.kind === "run" && first.delayMs).toBe(50);
    expect(first.kind === "run" && first.transform?.(Uint8Array.of(1, 2, 0x90, 0))).toEqual(Uint8Array.of(1));
    const second = f.next(apdu("00B0000001"));
    expect(second.kind === "run" && second.transform?.(Uint8Array.of(0x90, 0)).length).toBe(2);
    const third = f.next(apdu("00B0000001"));
    expect(third.kind === "run" && "transform" in third).toBe(false);
    expect(f.next(apdu("00B0000001"))).toEqual({ kind: "mute", releaseAfterMs: 2000 });
    f.clear();
    expect(f.next(apdu("00B0000001"))).toMatchObject({ kind: "run", delayMs: 0 });
  });

  it("rejects malformed plans", () => {
    expect(() => new FaultInjector().set({ delayMs: -1 })).toThrow();
    expect(() => new FaultInjector().set({ truncate: { atApdu: 1, keep: 0 } })).toThrow();
    expect(() => new FaultInjector().set({ bogus: 1 } as never)).toThrow();
  });
});
