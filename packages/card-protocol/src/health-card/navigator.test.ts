import { describe, expect, it } from "vitest";
import { ApduChannel } from "../pipeline/channel.js";
import type { SamSession } from "../sam/sam-session.js";
import { ScriptedCard } from "../testing/scripted-card.js";
import { MemoryTransport } from "../transport/memory.js";
import { fromHex } from "../util/hex.js";
import { CardNavigator } from "./navigator.js";

async function navigator(card: ScriptedCard) {
  const t = new MemoryTransport(["card"]);
  t.insert("card", card);
  const channel = new ApduChannel(await t.connect("card"));
  const noSam = (): SamSession => {
    throw new Error("no SAM in this test");
  };
  return { channel, nav: new CardNavigator(channel, noSam, () => ({ cardF: fromHex("0102030405060708") })) };
}

const select = (fid: string): [string, string] => [`00A4000002${fid}`, "9000"];

describe("CardNavigator", () => {
  it("walks MF → DDF1 → DF01 → sibling DF03 → parent DDF1 with one SELECT each, none when already there", async () => {
    const card = new ScriptedCard("3B00", [
      select("3F00"),
      select("DDF1"),
      select("DF01"),
      select("DF03"),
      select("EF05"),
      select("DDF1"),
      select("3F00"),
      // From the MF a DF of DDF1 needs DDF1 first.
      select("DDF1"),
      select("DF02"),
    ]);
    const { nav, channel } = await navigator(card);
    await nav.selectMf();
    await nav.selectMf();
    await nav.selectDf("DDF1");
    await nav.selectDf("DF01");
    await nav.selectDf("DF03");
    await nav.selectFile("DF03/EF05");
    await nav.selectFile("DF03/EF05");
    await nav.selectDf("DDF1");
    expect(nav.currentDf).toBe("DDF1");
    await nav.selectMf();
    await nav.selectDf("DF02");
    expect(channel.apduCount).toBe(9);
    card.assertDone();
  });

  it("forgets where it is when a SELECT fails", async () => {
    const card = new ScriptedCard("3B00", [select("3F00"), ["00A4000002DDF1", "6A82"], select("3F00")]);
    const { nav } = await navigator(card);
    await nav.selectMf();
    await expect(nav.selectDf("DDF1")).rejects.toMatchObject({ sw: 0x6a82 });
    expect(nav.currentDf).toBeUndefined();
    await nav.selectMf();
    card.assertDone();
  });
});
