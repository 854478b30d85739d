import { describe, expect, it } from "vitest";
import { defaultScheme } from "../keys/scheme.js";
import { BASE_COMMANDS } from "./commands/index.js";
import { Cos } from "./engine.js";
import { type Condition, df, ef, keyCredential, MF_FID, pinCredential } from "./layout.js";

// Spec §5.3 rules 1, 3 and 4 on a two-DF card: the MF and DF 1000 each hold a PIN (01), an
// external-authentication key (02) and an EF 0001 readable with either of them. The MF having its
// own protected file is what makes a reset observable: after reset the current DF is the MF
// without any DF change, so only the reset itself can have cleared the MF's security state.
const scheme = defaultScheme();
const KEY = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const PIN = Uint8Array.of(0x12, 0x34);
const DF_FID = 0x1000;

const protectedDf = (fid: number, path: string, children: ReturnType<typeof df>[] = []) => {
  const read: Condition = [pinCredential(path, 1), keyCredential(path, 2)];
  return df(fid, path, {
    pins: [{ ref: 1, label: "PIN", maxTries: 3, format: "bcd", minDigits: 4, maxDigits: 8 }],
    keys: [{ id: 2, kind: "external-auth", label: "EAK", maxTries: 15 }],
    children: [
      ef(0x0001, "protected", { structure: "transparent", size: 4, access: { read, update: "never" } }),
      ...children,
    ],
  });
};

function makeCard(): Cos {
  const layout = protectedDf(MF_FID, "3F00", [protectedDf(DF_FID, "3F00/1000")]);
  const cos = new Cos({ layout, atr: Uint8Array.of(0x3b, 0x00), crypto: scheme }, BASE_COMMANDS);
  for (const node of cos.root.dfs()) {
    node.pins.get(1)!.value = PIN;
    node.keys.get(2)!.value = KEY;
  }
  cos.power("on");
  return cos;
}

const sw = (cos: Cos, hex: string): number => {
  const r = cos.process(Buffer.from(hex, "hex"));
  return (r[r.length - 2]! << 8) | r[r.length - 1]!;
};
const readProtected = (cos: Cos) => {
  expect(sw(cos, "00A40000020001")).toBe(0x9000);
  return sw(cos, "00B0000004");
};
const verifyPin = (cos: Cos) => expect(sw(cos, "00200001021234")).toBe(0x9000);

/** EXTERNAL AUTHENTICATE with key 02 of the current DF (reference b8 = 1), as a terminal would. */
function externalAuth(cos: Cos): void {
  const r = cos.process(Buffer.from("0084000008", "hex"));
  const challenge = r.subarray(0, 8);
  const p = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const cryptogram = scheme.authCryptogram(scheme.sessionKey(KEY, challenge), p);
  expect(sw(cos, `0082008211${Buffer.from(cryptogram).toString("hex")}${Buffer.from(p).toString("hex")}01`)).toBe(
    0x9000,
  );
}

describe("COS engine: security state per DF (spec §5.3)", () => {
  for (const [how, authenticate] of [
    ["PIN", verifyPin],
    ["EXTERNAL AUTHENTICATE", externalAuth],
  ] as const) {
    it(`${how}: kept while EFs of the same DF are selected, cleared by selecting another DF`, () => {
      const cos = makeCard();
      expect(sw(cos, "00A40000021000")).toBe(0x9000);
      expect(readProtected(cos)).toBe(0x6982);
      authenticate(cos);
      expect(readProtected(cos)).toBe(0x9000);
      expect(readProtected(cos)).toBe(0x9000); // selecting an EF of the same DF keeps the right
      expect(sw(cos, "00A40000023F00")).toBe(0x9000); // another DF (the parent) ...
      expect(sw(cos, "00A40000021000")).toBe(0x9000); // ... and back
      expect(readProtected(cos)).toBe(0x6982);
      expect(cos.describe().security).toEqual([]);
    });

    for (const event of ["reset", "on"] as const) {
      it(`${how}: cleared by ${event === "on" ? "a power cycle" : "a warm reset"}`, () => {
        const cos = makeCard();
        authenticate(cos); // in the MF, the DF a reset returns to
        expect(readProtected(cos)).toBe(0x9000);
        if (event === "on") cos.power("off");
        cos.power(event);
        expect(cos.describe()).toMatchObject({ currentDf: "3F00", currentEf: undefined, security: [] });
        expect(readProtected(cos)).toBe(0x6982);
      });
    }
  }

  it("a reset also forgets the pending challenge (6984 for EXTERNAL AUTHENTICATE)", () => {
    const cos = makeCard();
    expect(sw(cos, "0084000008")).toBe(0x9000);
    cos.power("reset");
    expect(sw(cos, `0082008211${"00".repeat(16)}01`)).toBe(0x6984);
  });
});
