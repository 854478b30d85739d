import { afterEach, describe, expect, it } from "vitest";
import { BenchCards } from "../../../test/helpers/bench-cards.js";
import { deskParts, TEST_OPERATOR } from "../../../test/helpers/desk.js";
import { resident } from "../../../test/helpers/residents.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import type { IssuerEvent } from "../../shared/channels.js";
import { BatchRunner } from "./batch-runner.js";

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

function setup(cards: BenchCards) {
  const dir = tempDir();
  dirs.push(dir);
  const parts = deskParts(dir.path, cards);
  const events: IssuerEvent[] = [];
  const runner = new BatchRunner(parts.batches, parts.workflow, cards, (e) => events.push(e), 2);
  return { dir, parts, runner, events };
}

describe("BatchRunner", () => {
  it("issues every row, retries a pulled card on the next blank and rejects a used card", async () => {
    const cards = new BenchCards();
    cards.pullOn.add(2);
    cards.usedOn.add(4);
    const { parts, runner, events } = setup(cards);
    const id = parts.batches.create(
      "b1",
      [1, 2, 3].map((n) => ({ row: n + 1, resident: resident(n) })),
    );
    runner.start(id, TEST_OPERATOR);
    await runner.idle();

    const items = parts.batches.items(id);
    expect(items.map((i) => i.state)).toEqual(["issued", "issued", "issued"]);
    expect(items[1]!.attempts).toBe(2);
    expect(parts.batches.summary(id).status).toBe("done");
    // The pulled card left the reader (no bin); the already-personalised one went to reject.
    expect(cards.bins.reject).toEqual(["0000000000000004"]);
    expect(cards.bins.good).toHaveLength(3);
    expect(parts.store.outbox.depth()).toBe(3);
    expect(parts.cards.list()).toHaveLength(3);
    expect(events.some((e) => e.type === "batch.progress" && e.item?.state === "personalising")).toBe(true);
    expect(parts.audit.verify().ok).toBe(true);
    parts.store.close();
  });

  it("marks a row failed after maxAttempts card faults and keeps going", async () => {
    const cards = new BenchCards();
    cards.pullOn.add(1);
    cards.pullOn.add(2);
    const { parts, runner } = setup(cards);
    const id = parts.batches.create(
      "b2",
      [1, 2].map((n) => ({ row: n + 1, resident: resident(n) })),
    );
    runner.start(id, TEST_OPERATOR);
    await runner.idle();
    const [first, second] = parts.batches.items(id);
    expect(first).toMatchObject({ state: "failed", attempts: 2, error: { code: "CARD_REMOVED" } });
    expect(second!.state).toBe("issued");
    expect(parts.cards.list().map((c) => c.citizenId)).toEqual([resident(2).citizenId]);
    parts.store.close();
  });

  it("recovers after a crash: personalising goes back to pending, verifying is finished from the reader", async () => {
    const cards = new BenchCards();
    const { parts, runner } = setup(cards);
    const id = parts.batches.create(
      "b3",
      [1, 2, 3].map((n) => ({ row: n + 1, resident: resident(n) })),
    );
    // Simulate the state a killed app leaves: row 2 mid-personalisation, row 3 personalised but unverified.
    parts.batches.setStatus(id, "running");
    const prepared = parts.workflow.prepare(resident(3));
    await cards.load();
    const chip = (await cards.probe()).chipSerial!;
    await cards.personalise(prepared.plan);
    const { preparedToJson } = await import("../issue-workflow.js");
    parts.batches.transition(id, 3, "personalising", { chipSerial: "00000000000000AA" });
    parts.batches.transition(id, 4, "personalising", {
      chipSerial: chip,
      plan: JSON.stringify(preparedToJson(prepared)),
    });
    parts.batches.transition(id, 4, "verifying");

    runner.recoverAll();
    expect(parts.batches.summary(id).status).toBe("paused");
    expect(parts.batches.item(id, 3).state).toBe("pending");
    runner.start(id, TEST_OPERATOR);
    await runner.idle();
    expect(parts.batches.items(id).map((i) => [i.row, i.state])).toEqual([
      [2, "issued"],
      [3, "issued"],
      [4, "issued"],
    ]);
    expect(parts.batches.item(id, 4).chipSerial).toBe(chip);
    expect(new Set(parts.cards.list().map((c) => c.chipSerial)).size).toBe(3);
    parts.store.close();
  });

  it("pauses the batch after 5 unusable cards in a row, and not after 4 followed by a good one", async () => {
    const cards = new BenchCards();
    for (const n of [1, 2, 3, 4, 6, 7, 8, 9, 10]) cards.usedOn.add(n);
    const { parts, runner, events } = setup(cards);
    const id = parts.batches.create(
      "b4",
      [1, 2].map((n) => ({ row: n + 1, resident: resident(n) })),
    );
    runner.start(id, TEST_OPERATOR);
    await runner.idle();
    // Cards 1–4 unusable, card 5 good (row 2 issued, count reset), cards 6–10 unusable: paused.
    const [first, second] = parts.batches.items(id);
    expect(first).toMatchObject({ state: "issued", attempts: 1 });
    expect(second).toMatchObject({ state: "pending", attempts: 0 });
    expect(parts.batches.summary(id).status).toBe("paused");
    expect(cards.bins.good).toEqual(["0000000000000005"]);
    // The fifth unusable card in a row stays in the reader for the operator to see.
    expect(cards.bins.reject).toEqual(["1", "2", "3", "4", "6", "7", "8", "9"].map((n) => n.padStart(16, "0")));
    expect(cards.card?.chip).toBe("000000000000000A");
    const last = events.at(-1);
    expect(last?.type === "batch.progress" && last.batch.status).toBe("paused");
    parts.store.close();
  });

  it("after a crash, a verifying row whose card has left the reader goes onto the next blank", async () => {
    const cards = new BenchCards();
    const { parts, runner } = setup(cards);
    const id = parts.batches.create("b5", [{ row: 2, resident: resident(5) }]);
    parts.batches.setStatus(id, "running");
    const prepared = parts.workflow.prepare(resident(5));
    const { preparedToJson } = await import("../issue-workflow.js");
    parts.batches.transition(id, 2, "personalising", {
      chipSerial: "00000000000000AA",
      plan: JSON.stringify(preparedToJson(prepared)),
    });
    parts.batches.transition(id, 2, "verifying");
    // The killed app's card is gone: the reader is empty.
    runner.recoverAll();
    runner.start(id, TEST_OPERATOR);
    await runner.idle();
    expect(parts.batches.item(id, 2)).toMatchObject({ state: "issued", attempts: 2, chipSerial: "0000000000000001" });
    expect(parts.store.outbox.depth()).toBe(1);
    parts.store.close();
  });
});
