import { RhcError } from "@rhc/errors";
import { afterAll, describe, expect, it } from "vitest";
import { createIssuerApp } from "../src/app/create-issuer-app.js";
import { BenchCards } from "./helpers/bench-cards.js";
import { TEST_OPERATOR, testConfig } from "./helpers/desk.js";
import { resident, residentsCsv } from "./helpers/residents.js";
import { tempDir } from "./helpers/temp-dir.js";

/**
 * The batch good/bad report (`batch.report`) through the service on a real SQLite file. Cards are
 * the pure-logic harness (a card pulled on the second blank); real cards: e2e and *.pcsc tests.
 */
const dir = tempDir();
afterAll(() => dir.remove());

describe("batch good/bad report", () => {
  it("lists every row with good/bad, chip serial, attempts and the operator's reason, CSV-quoted", async () => {
    const cards = new BenchCards();
    cards.pullOn.add(2);
    const app = createIssuerApp(testConfig(dir.path, { maxAttempts: 1 }), {
      card: cards,
      feeder: cards,
      login: { login: async () => ({ ...TEST_OPERATOR }) },
      readers: { status: async () => [] },
    });
    const call = async (channel: string, input: unknown, token?: string) => {
      const answer = await app.service.invoke(channel, input, token ? { token } : {});
      if (!answer.ok) throw new Error(`${channel}: ${answer.problem.code}`);
      return answer.value as Record<string, unknown>;
    };
    const { token } = (await call("session.login", { pin: "123456" })) as { token: string };
    const holders = [resident(51), resident(52), resident(53)];
    const imported = await call("batch.import", { name: "报告批次", csv: residentsCsv(holders) }, token);
    const id = (imported.batch as { id: string }).id;
    await call("batch.start", { id }, token);
    await app.runner.idle();

    const report = (await call("batch.report", { id }, token)) as { csv: string; batch: { counts: object } };
    expect(report.batch.counts).toMatchObject({ issued: 2, failed: 1 });
    const removed = new RhcError("CARD_REMOVED").messages.zh;
    const items = app.store.context.db
      .prepare("SELECT row, chip_serial AS chip FROM batch_items WHERE batch_id = ? ORDER BY row")
      .all(id) as { row: number; chip: string | null }[];
    const chip = (row: number) => items.find((i) => i.row === row)?.chip ?? "";
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    expect(report.csv.split("\n")).toEqual([
      "row,citizenId,name,result,chipSerial,attempts,error",
      `2,${holders[0]!.citizenId},${holders[0]!.name},good,${chip(2)},1,`,
      `3,${holders[1]!.citizenId},${holders[1]!.name},bad,${chip(3)},1,${quote(removed)}`,
      `4,${holders[2]!.citizenId},${holders[2]!.name},good,${chip(4)},1,`,
      "",
    ]);
    expect(chip(2)).toBe("0000000000000001");
    expect(chip(4)).toBe("0000000000000003");
    // The good rows are exactly the cards in the register and the events in the outbox.
    expect(app.store.outbox.depth()).toBe(2);
    await app.close();
  });
});
