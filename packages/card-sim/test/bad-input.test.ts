import { describe, expect, it } from "vitest";
import { exportState } from "../src/cos/state.js";
import { makeResidentImage } from "../src/generator/resident.js";
import { makeIsamImage, makePsamImage } from "../src/generator/sam.js";
import { inProcess, inProcessDesk } from "./support/in-process.js";
import { Terminal } from "./support/terminal.js";

const resident = makeResidentImage({ seed: "bad-input-1", region: "410100" });
const psam = makePsamImage({ region: "410100" });
const isam = makeIsamImage({ region: "410100" });

async function session(image = resident) {
  const desk = inProcessDesk(image, psam);
  await desk.terminal.startSession(desk.card.atr());
  const snapshot = () => JSON.stringify(exportState(desk.card));
  return { ...desk, t: desk.terminal, snapshot };
}

describe("bad input gets the right status word and leaves the card unchanged", () => {
  it("answers malformed and unsupported commands with ISO status words", async () => {
    const { t, snapshot } = await session();
    const before = snapshot();
    const cases: [string, number][] = [
      ["00A4000005DDF1", 0x6700], // Lc says 5, 2 bytes follow
      ["00B00000", 0x6700], // READ BINARY without Le
      ["00840000", 0x6700], // GET CHALLENGE without Le
      ["0084000000", 0x6700], // 256 random bytes is not a challenge length
      ["A0A4000002DDF1", 0x6e00], // unknown CLA
      ["80B0000010", 0x6e00], // known INS, wrong CLA
      ["00CA9F7F00", 0x6d00], // unknown INS
      ["00A4050002DDF1", 0x6a86], // SELECT P1 out of range
      ["00A4000102DDF1", 0x6a86], // SELECT P2 out of range
      ["00B2010700", 0x6a86], // READ RECORD P2 mode 111
      ["0084010008", 0x6a86], // GET CHALLENGE P1 ≠ 0
      ["00B20B0400", 0x6a83], // EF05 has 10 records
      ["00A4000002ABCD", 0x6a82],
      ["00", 0x6700],
    ];
    for (const [apdu, sw] of cases) expect([apdu, await t.cSw(apdu)]).toEqual([apdu, sw]);
    expect(snapshot()).toBe(before);
  });

  it("checks file structure, offsets and records", async () => {
    const { t, snapshot } = await session();
    const before = snapshot();
    expect(await t.cSw("00B0000010")).toBe(0x6981); // EF05 is a record file
    await t.c("00A4000002EF07");
    await t.authRead("RK1DDF1", 0x04);
    expect(await t.cSw("00B00C0201")).toBe(0x6b00); // offset 3074 = end of the 3074-byte photo
    expect(await t.cSw("00B0000000")).toBe(0x9000); // Le 00 = up to 256
    expect(await t.cSw("00B20104FF")).toBe(0x6981);
    await t.authUpdate("UK1DDF1", 0x05);
    expect(await t.cSw("00D60C0102AABB")).toBe(0x6b00); // runs past the end
    await t.c("00A4000002EF08");
    expect(await t.cSw("00B2070400")).toBe(0x6a83); // EF08 has 6 records
    expect(await t.cSw("00DC0104030701FF")).toBe(0x6a80); // wrong tag for record 1 (tag 07, length 4)
    expect(await t.cSw("00DC0104020700")).toBe(0x6a80);
    expect(await t.cSw("00E2000006070420301231")).toBe(0x6a84); // the TLV file is full
    expect(snapshot()).toBe(before);
  });

  it("refuses secure-messaging errors: no challenge, MAC mismatch, plain where SM is required", async () => {
    const { t, snapshot } = await session();
    await t.c("00A4000002DF01");
    await t.c("00A4000002EF05");
    await t.authUpdate("UK1DF01", 0x85);
    const before = snapshot();
    const record = `1664${"00".repeat(100)}`;
    expect(await t.cSw(`00DC020466${record}`)).toBe(0x6982);
    expect(await t.cSw(`04DC020474${"11".repeat(116)}`)).toBe(0x6984); // no GET CHALLENGE before
    await t.c("0084000008");
    expect(await t.cSw(`04DC020474${"11".repeat(116)}`)).toBe(0x6988); // MAC mismatch
    await t.c("0084000008");
    expect(await t.cSw("04DC020403112233")).toBe(0x6987); // no room for ciphertext and MAC
    expect(snapshot()).toBe(before);
  });

  it("counts failed EXTERNAL AUTHENTICATE, blocks the key at 0 and saves the counter", async () => {
    const { t, card } = await session();
    await t.c("00A4000002EF06");
    expect(await t.cSw("00820004110000000000000000112233445566778801")).toBe(0x6984); // no challenge
    expect(await t.cSw("00820009110000000000000000112233445566778801")).toBe(0x6a88); // no such key
    for (let left = 14; left >= 0; left--) {
      await t.c("0084000008");
      expect(await t.cSw("00820004110000000000000000112233445566778801")).toBe(0x63c0 | left);
    }
    await t.c("0084000008");
    expect(await t.cSw("00820004110000000000000000112233445566778801")).toBe(0x6983);
    expect(exportState(card).keys["3F00/DDF1#04"]?.triesLeft).toBe(0);
    const reloaded = inProcess({ ...resident, cos: exportState(card) });
    const t2 = new Terminal(reloaded.transmit, async () => Uint8Array.of(0x90, 0));
    await t2.c("00A4000002DDF1");
    await t2.c("0084000008");
    expect(await t2.cSw("00820004110000000000000000112233445566778801")).toBe(0x6983);
  });

  it("blocks and unblocks an application and blocks the card (spec §6.14)", async () => {
    const { t, card } = await session();
    await t.c("00A4000002DF02");
    await t.macCommand(0x1e, 0x00, 0x00, "STKDF02");
    expect(await t.cSw("00A4000002DF02")).toBe(0x6a81);
    expect(await t.cSw("00A4000002EF05")).toBe(0x6985);
    expect(await t.cSw("00B2010400")).toBe(0x6985);
    expect(await t.macCommand(0x18, 0x00, 0x00, "STKDF02", 0x6982)).toHaveLength(0); // LK not presented
    // Unblocking needs LKDF02, which only the issuer's ISAM holds.
    const issuer = new Terminal(t.card, inProcess(isam).transmit);
    await issuer.s("00A4000002DF01");
    await issuer.s("0020000003123456");
    issuer.cardF = t.cardF;
    issuer.cityF = t.cityF;
    const r = await issuer.c("0084000008");
    const data = Buffer.concat([t.cardF, r]);
    await issuer.s(`80DE270910${data.toString("hex")}`);
    await issuer.s("80FA0000101122334455667788" + "0000000000000000", 0x6110);
    const x = await issuer.s("00C0000010");
    const crypt = x.subarray(0, 8).map((b, i) => b ^ x[8 + i]!);
    await issuer.c(`0082008311${Buffer.from(crypt).toString("hex")}112233445566778801`);
    await issuer.macCommand(0x18, 0x00, 0x00, "STKDF02");
    expect(await t.cSw("00A4000002EF05")).toBe(0x9000);
    // Card block: MAC under STKMF, which only the ISAM holds; afterwards only SELECT MF and GET CHALLENGE work.
    await issuer.c("00A40000023F00");
    const r2 = await issuer.c("0084000008");
    await issuer.s(`80DE280610${Buffer.concat([t.cardF, r2]).toString("hex")}`);
    const mac = await macOf(issuer, "8416000004");
    await issuer.c(`8416000004${mac}`);
    expect(card.lifecycle).toBe("blocked");
    expect(await t.cSw("00A4000002DDF1")).toBe(0x6a81);
    expect(await t.cSw("00A40000023F00")).toBe(0x9000);
    expect(await t.cSw("0084000008")).toBe(0x9000);
    expect(await t.cSw("00B2010400")).toBe(0x6a81);
  });

  it("holder PIN [P]: disabled by default, optional, with retries and reload", async () => {
    const off = await session();
    expect(await off.t.cSw("0020000003123456")).toBe(0x6a88);
    const { t } = await session(makeResidentImage({ seed: "bad-input-1", region: "410100", holderPin: "123456" }));
    expect(await t.cSw("0020000003654321")).toBe(0x63c2);
    expect(await t.cSw("0020000003654321")).toBe(0x63c1);
    expect(await t.cSw("0020000003654321")).toBe(0x63c0);
    expect(await t.cSw("0020000003123456")).toBe(0x6983);
    expect(await t.cSw("0020000002123F")).toBe(0x6983);
    // RELOAD PIN (80 5E 00 00 PIN ‖ MAC under STKDDF1) sets the PIN and resets the counter.
    const r = await t.c("0084000008");
    await t.s(`80DE280210${Buffer.concat([t.cardF, r]).toString("hex")}`);
    const mac = await macOf(t, "805E000007112233");
    await t.c(`805E000007112233${mac}`);
    await t.c("0020000003112233");
    expect(await t.cSw("0020000000")).toBe(0x9000);
    await t.c("805E010007112233FF123456");
    await t.c("0020000003123456");
  });

  it("vendor mode accepts what C1 builds send in plain; strict mode refuses it", async () => {
    for (const mode of ["strict", "vendor"] as const) {
      const { t } = await session(makeResidentImage({ seed: "bad-input-1", region: "410100", mode }));
      await t.c("00A4000002DF02");
      await t.c("00A4000002EF08");
      await t.authUpdate("UK3DF02", 0x87);
      const plainShot = `00DC000318${Buffer.from("流感疫苗").toString("hex").padEnd(40, "0")}20251001`;
      expect(await t.cSw(plainShot)).toBe(mode === "vendor" ? 0x9000 : 0x6982);
      await t.c("00A4000002DF03");
      await t.c("00A4000002EF06");
      await t.authUpdate("UK1DF03", 0x85);
      expect(await t.cSw("84D2010400")).toBe(mode === "vendor" ? 0x9000 : 0x6987);
    }
  });

  it("generated blocked states behave as blocked cards", async () => {
    const appBlocked = inProcessDesk(makeResidentImage({ seed: "bad-input-2", state: "app-blocked" }), psam);
    await appBlocked.terminal.startSession(appBlocked.card.atr());
    expect(await appBlocked.terminal.cSw("00A4000002DF02")).toBe(0x6a81);
    expect(await appBlocked.terminal.cSw("00A4000002DF01")).toBe(0x9000);
    const blocked = inProcess(makeResidentImage({ seed: "bad-input-3", state: "blocked" }));
    const t = new Terminal(blocked.transmit, blocked.transmit);
    expect(await t.cSw("00A4000002DDF1")).toBe(0x6a81);
  });
});

/** MAC by the SAM (after its 80 DE) over pad80(message), as in spec §4.5 step 4. */
async function macOf(t: Terminal, message: string): Promise<string> {
  const m = Buffer.from(message, "hex");
  const padded = Buffer.concat([m, Buffer.from([0x80]), Buffer.alloc(15 - (m.length % 16))]);
  const input = Buffer.concat([Buffer.alloc(16), padded]);
  await t.s(`80FA0500${input.length.toString(16).padStart(2, "0")}${input.toString("hex")}`, 0x6104);
  return Buffer.from(await t.s("00C0000004")).toString("hex");
}
