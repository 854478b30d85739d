import { isValidIdNumber } from "@rhc/sync";
import { describe, expect, it } from "vitest";
import { generateResidents } from "../src/index.js";

/** Every character GBK can encode, built by decoding its whole double-byte range. */
function gbkRepertoire(): Set<string> {
  const dec = new TextDecoder("gbk");
  const chars = new Set<string>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const c = dec.decode(Uint8Array.of(hi, lo));
      if (c.length === 1 && c !== "\ufffd") chars.add(c);
    }
  }
  return chars;
}

describe("seeded demo residents", () => {
  const residents = generateResidents();
  it("are deterministic, at least 50, with unique ID numbers and EMPI ids", () => {
    expect(residents.length).toBeGreaterThanOrEqual(50);
    expect(generateResidents()).toEqual(residents);
    expect(generateResidents(60, 7)).not.toEqual(residents);
    expect(new Set(residents.map((r) => r.idNo)).size).toBe(residents.length);
    expect(new Set(residents.map((r) => r.empiId)).size).toBe(residents.length);
  });

  it("carry valid GB 11643 ID numbers consistent with birth date and sex", () => {
    for (const r of residents) {
      expect(isValidIdNumber(r.idNo), r.idNo).toBe(true);
      expect(r.idNo.slice(6, 14)).toBe(r.birthDate.replaceAll("-", ""));
      expect(Number(r.idNo[16]) % 2 === 1 ? "male" : "female").toBe(r.gender);
    }
  });

  it("use GBK-representable names and addresses, GB 3304 ethnicity codes and mobile numbers", () => {
    const gbk = gbkRepertoire();
    for (const r of residents) {
      for (const ch of r.name + r.address.replace(/\d/g, "")) expect(gbk.has(ch), `${ch} in ${r.name}`).toBe(true);
      expect(r.ethnicity).toMatch(/^(0[1-9]|[1-4]\d|5[0-6])$/);
      expect(r.phone).toMatch(/^1[3-9]\d{9}$/);
    }
  });
});
