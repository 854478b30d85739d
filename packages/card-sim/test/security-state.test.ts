import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeResidentImage } from "../src/generator/resident.js";
import { makePsamImage } from "../src/generator/sam.js";
import { TestDesk } from "../src/testing/index.js";
import { inProcessDesk } from "./support/in-process.js";
import { Terminal } from "./support/terminal.js";

// Spec §5.3 on the resident card: an EXTERNAL AUTHENTICATE or a holder-PIN VERIFY holds in its DF
// until another DF is selected or the card is reset; afterwards the protected command answers 6982.
const resident = makeResidentImage({ seed: "security-state-1", region: "410100", holderPin: "123456" });
const psam = makePsamImage({ region: "410100" });

/** DDF1 → DF01 → EF05 and READ RECORD 1 (RK1DF01 needed); returns the status word. */
async function readDf01(t: Terminal, select = true): Promise<number> {
  if (select) {
    await t.c("00A4000002DF01");
    await t.c("00A4000002EF05");
  }
  return t.cSw("00B2010400");
}

describe("resident card security state, in process", () => {
  async function session() {
    const desk = inProcessDesk(resident, psam);
    await desk.terminal.startSession(desk.card.atr());
    return { card: desk.card, t: desk.terminal };
  }

  it("EXTERNAL AUTHENTICATE in DF01 ends when DDF1 or DF02 is selected and DF01 selected again", async () => {
    const { t } = await session();
    expect(await readDf01(t)).toBe(0x6982);
    await t.authRead("RK1DF01", 0x84);
    expect(await readDf01(t, false)).toBe(0x9000);
    await t.c("00A4000002EF06"); // another EF of the same DF keeps the right (rule 3)
    expect(await t.cSw("00B2010400")).toBe(0x9000);
    await t.c("00A4000002DDF1"); // the parent DF
    expect(await readDf01(t)).toBe(0x6982);
    await t.authRead("RK1DF01", 0x84);
    await t.c("00A4000002DF02"); // a sibling DF
    expect(await readDf01(t)).toBe(0x6982);
  });

  it("a verified holder PIN in DDF1 ends when another DF is selected", async () => {
    const { t } = await session();
    expect(await t.cSw("0020000000")).toBe(0x63c3); // VERIFY without data: not verified, 3 tries
    await t.c("0020000003123456");
    expect(await t.cSw("0020000000")).toBe(0x9000);
    await t.c("00A4000002DF01");
    expect(await t.cSw("0020000000")).toBe(0x63c3); // DDF1's PIN, seen from DF01: no longer verified
    await t.c("00A4000002DDF1");
    expect(await t.cSw("0020000000")).toBe(0x63c3);
  });

  for (const event of ["reset", "on"] as const) {
    it(`${event === "on" ? "a power cycle" : "a warm reset"} clears the security state`, async () => {
      const { card, t } = await session();
      await t.c("00A4000002DF01");
      await t.c("00A4000002EF05");
      await t.authRead("RK1DF01", 0x84);
      expect(await readDf01(t, false)).toBe(0x9000);
      if (event === "on") card.power("off");
      card.power(event);
      expect(card.describe()).toMatchObject({ currentDf: "3F00", security: [] });
      await t.c("00A4000002DDF1");
      expect(await readDf01(t)).toBe(0x6982);
    });
  }
});

describe("resident card security state through pcscd", () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await TestDesk.open();
    await desk.insert("resident", { type: "resident", options: { image: resident } });
    await desk.insert("sam", { type: "psam", options: { image: psam } });
  });
  afterAll(async () => {
    await desk?.close();
  });

  const describeCard = async () =>
    (await desk.host.control(desk.port("resident"), "describe")) as { currentDf: string; security: string[] };

  it("selecting another DF and a reset (disconnect with reset) end an EXTERNAL AUTHENTICATE", async () => {
    const sam = await desk.transport.connect(desk.readerName("sam"));
    let card = await desk.transport.connect(desk.readerName("resident"));
    const terminal = (c: typeof card) =>
      new Terminal(
        (a) => c.transmit(a),
        (a) => sam.transmit(a),
      );
    let t = terminal(card);
    await t.startSession(card.atr);
    await t.c("00A4000002DF01");
    await t.c("00A4000002EF05");
    await t.authRead("RK1DF01", 0x84);
    expect(await readDf01(t, false)).toBe(0x9000);
    await t.c("00A4000002DF02");
    expect(await readDf01(t)).toBe(0x6982);

    await t.authRead("RK1DF01", 0x84);
    expect(await readDf01(t, false)).toBe(0x9000);
    expect((await describeCard()).security).toEqual(["key:3F00/DDF1/DF01#04"]);
    await card.disconnect("reset");
    await expect.poll(describeCard).toMatchObject({ currentDf: "3F00", security: [] });

    card = await desk.transport.connect(desk.readerName("resident"));
    t = terminal(card);
    await t.startSession(card.atr);
    expect(await readDf01(t)).toBe(0x6982);
    await card.disconnect();
    await sam.disconnect();
  });
});
