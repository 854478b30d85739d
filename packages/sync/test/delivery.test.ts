import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AdminEvents, cardRead, FAST, type Harness, harness, waitFor } from "./helpers.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const events = (terminalId = "T1") => h.admin<AdminEvents>("GET", `/_admin/events?terminalId=${terminalId}`);

describe("delivery (E1) against the sandbox on loopback", () => {
  it("G2/F3: a response lost after the platform committed is retried; the retry is a duplicate, exactly one row", async () => {
    const store = h.store();
    for (let i = 0; i < 5; i++) store.outbox.append(cardRead());
    h.sandbox.faults.set({ routes: "events:batch", dropResponses: 2 });
    const d = h.deliver(store);
    await d.drained();
    const ev = await events();
    expect(ev.events).toHaveLength(5);
    expect(ev.events.every((e) => e.applyCount === 1)).toBe(true);
    expect(ev.events.every((e) => e.receiveCount === 3)).toBe(true);
    // the same batchId was re-sent: retries reuse batchId, eventId and seq
    expect(ev.batches).toHaveLength(1);
    expect(ev.batches[0]!.receiveCount).toBe(3);
    expect(store.status()).toMatchObject({ queueDepth: 0, ackedThroughSeq: 5, deadLetters: 0 });
  });

  it("G3: per-terminal FIFO, contiguous ackedThroughSeq, rows removed only up to it", async () => {
    const store = h.store();
    const seqs = Array.from({ length: 1200 }, () => store.outbox.append(cardRead()).seq);
    expect(seqs).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    const acks: number[] = [];
    const d = h.deliver(store);
    d.onChange((e) => {
      if (e.type === "ack") acks.push(e.outcome.ackedThroughSeq);
    });
    await d.drained();
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    expect(acks.at(-1)).toBe(1200);
    const ev = await events();
    expect(ev.events.map((e) => e.seq)).toEqual(seqs);
    expect(ev.terminals[0]).toMatchObject({ ackedThroughSeq: 1200, events: 1200, applied: 1200 });
  });
});
