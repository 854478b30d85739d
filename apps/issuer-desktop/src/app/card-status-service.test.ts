import { isRhcError } from "@rhc/errors";
import { afterEach, describe, expect, it } from "vitest";
import { BenchCards } from "../../test/helpers/bench-cards.js";
import { deskParts, TEST_OPERATOR } from "../../test/helpers/desk.js";
import { resident } from "../../test/helpers/residents.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { CardStatusService } from "./card-status-service.js";

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

describe("CardStatusService", () => {
  it("reports lost, unblocks and replaces with one event and one audit record each", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const cards = new BenchCards();
    const parts = deskParts(dir.path, cards);
    const status = new CardStatusService(parts.store, parts.cards, parts.audit);
    await cards.load();
    const first = await parts.workflow.run(parts.workflow.prepare(resident(5)), TEST_OPERATOR);
    await cards.eject("good");
    expect(parts.store.outbox.depth()).toBe(1);

    const lost = status.reportLost(first.chipSerial, "丢失", TEST_OPERATOR);
    expect(lost.card.status).toBe("lost");
    expect(() => status.reportLost(first.chipSerial, "again", TEST_OPERATOR)).toThrow(/is lost, not issued/);
    expect(status.unblock(first.chipSerial, "找回", TEST_OPERATOR).card.status).toBe("issued");

    await cards.load();
    const old = parts.cards.get(first.chipSerial);
    const second = await parts.workflow.run(parts.workflow.prepare(old.resident, old.photo), TEST_OPERATOR, {
      replaces: old,
    });
    const replaced = status.replaced(old, second.chipSerial, second.cardNo, "损坏", TEST_OPERATOR);
    expect(replaced).toMatchObject({ status: "replaced", replacedBy: second.chipSerial });
    expect(parts.cards.get(second.chipSerial)).toMatchObject({ status: "issued", replaces: first.chipSerial });
    expect(second.issueSerial).not.toBe(first.issueSerial);

    // issued, reported_lost, unblocked, issued (replacement), replaced
    expect(parts.store.outbox.depth()).toBe(5);
    const actions = parts.audit
      .list(10)
      .map((r) => r.action)
      .reverse();
    expect(actions).toEqual(["card.issued", "card.reported_lost", "card.unblocked", "card.issued", "card.replaced"]);
    expect(parts.audit.verify().ok).toBe(true);
    try {
      status.unblock(first.chipSerial, "x", TEST_OPERATOR);
      expect.unreachable();
    } catch (error) {
      expect(isRhcError(error, "CONFLICT")).toBe(true);
    }
    parts.store.close();
  });

  it("issues nothing when the card is refused or pulled", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const cards = new BenchCards();
    cards.usedOn.add(1);
    cards.pullOn.add(2);
    const parts = deskParts(dir.path, cards);
    await expect(parts.workflow.run(parts.workflow.prepare(resident(6)), TEST_OPERATOR)).rejects.toSatisfy((e) =>
      isRhcError(e, "NO_CARD"),
    );
    await cards.load();
    await expect(parts.workflow.run(parts.workflow.prepare(resident(6)), TEST_OPERATOR)).rejects.toSatisfy((e) =>
      isRhcError(e, "CARD_NOT_BLANK"),
    );
    await cards.eject("reject");
    await cards.load();
    await expect(parts.workflow.run(parts.workflow.prepare(resident(6)), TEST_OPERATOR)).rejects.toSatisfy((e) =>
      isRhcError(e, "CARD_REMOVED"),
    );
    expect(parts.store.outbox.depth()).toBe(0);
    expect(parts.cards.list()).toEqual([]);
    expect(() => parts.workflow.prepare({ ...resident(6), ethnicity: "77" })).toThrow(/ethnicity/);
    parts.store.close();
  });
});
