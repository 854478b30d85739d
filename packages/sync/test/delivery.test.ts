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

describe("delivery and the caller's transactions", () => {
  it("never sends an event whose appending transaction rolled back", async () => {
    const store = h.store();
    const d = h.deliver(store);
    await d.drained();
    expect(() =>
      store.context.db.transaction(() => {
        store.outbox.append(cardRead());
        throw new Error("the card write failed after the event was recorded");
      })(),
    ).toThrow(/card write failed/);
    const { seq } = store.outbox.append(cardRead());
    expect(seq).toBe(1);
    await d.drained();
    const ev = await events();
    expect(ev.events.map((e) => e.seq)).toEqual([1]);
    expect(ev.conflicts).toEqual([]);
  });
});

describe("delivery under faults", () => {
  it("G4/F7: a poison event is dead-lettered with the server's reason; later events keep flowing", async () => {
    const store = h.store();
    const ids = Array.from({ length: 10 }, () => store.outbox.append(cardRead()).eventId);
    h.sandbox.faults.set({ rejectEventIds: [ids[3]!] });
    const d = h.deliver(store);
    await d.drained();
    const st = store.status();
    expect(st).toMatchObject({ queueDepth: 0, ackedThroughSeq: 10, deadLetters: 1 });
    const [dl] = store.outbox.deadLetters();
    expect(dl).toMatchObject({ eventId: ids[3], seq: 4, status: "rejected", code: "PLATFORM_REJECTED" });
    expect(dl!.message).toContain("poison");
    expect(dl!.event.type).toBe("card.read");
    const ev = await events();
    expect(ev.events.filter((e) => e.status === "accepted")).toHaveLength(9);
  });

  it("G5/F6: one failure, then idle (no new writes): the upload resumes by itself within the backoff cap", async () => {
    const store = h.store();
    store.outbox.append(cardRead());
    h.sandbox.faults.set({ routes: "events:batch", errorEveryNth: 1 });
    const d = h.deliver(store, { periodicMs: 3_600_000 });
    const errors: number[] = [];
    d.onChange((e) => {
      if (e.type === "error") {
        errors.push(e.retryInMs);
        h.sandbox.faults.reset();
      }
    });
    await d.drained();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeLessThanOrEqual(FAST.capMs);
    // the failed exchange is audited with the platform's request id
    const [failed] = store.audit.list({ kind: "delivery.error" });
    expect(failed).toMatchObject({ outcome: "PLATFORM_ERROR", detail: { attempt: 1 } });
    expect(failed!.detail.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.status().lastError).toBeNull();
    expect(store.status().lastSuccessAt).not.toBeNull();
  });

  it("G5: the watchdog restarts a sender that has work pending but no attempt for 2× the cap", async () => {
    const store = h.store();
    store.outbox.append(cardRead());
    const d = h.deliver(store, { periodicMs: 3_600_000 });
    await d.drained();
    // Another writer (a second connection, as another process would be) appends: no wake-up reaches this sender.
    const other = h.store("T1");
    other.outbox.append(cardRead());
    await waitFor(() => d.stats.watchdogRestarts > 0, 10_000, "watchdog");
    await d.drained();
    expect(store.audit.list({ kind: "delivery.watchdog" }).length).toBeGreaterThan(0);
  });

  it("F5: every Nth call fails (5xx, connection reset) with zero backoff: completes, bounded attempts, no timer leak", async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const store = h.store();
    for (let i = 0; i < 1000; i++) store.outbox.append(cardRead());
    h.sandbox.faults.set({ routes: "events:batch", errorEveryNth: 2, resetEveryNth: 3 });
    const d = h.deliver(store, { backoff: { baseMs: 0, capMs: 0 }, maxBatchEvents: 50 });
    await d.drained();
    expect(d.stats.acks).toBe(20);
    expect(d.stats.attempts).toBeLessThanOrEqual(20 * 3);
    expect(d.stats.errors).toBeGreaterThan(10);
    const ev = await events();
    expect(ev.terminals[0]).toMatchObject({ events: 1000, applied: 1000 });
    await d.stop();
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });

  it("F4: inbound-only, outbound-only and full partitions of random durations; after heal the queue drains, exactly once", async () => {
    const store = h.store();
    const d = h.deliver(store, { client: h.client("T1", { timeoutMs: 150 }) });
    const kinds = ["inbound", "outbound", "both"] as const;
    let appended = 0;
    for (let round = 0; round < 9; round++) {
      h.sandbox.faults.set({ routes: "events:batch", partition: kinds[round % 3]! });
      for (let i = 0; i < 20; i++, appended++) store.outbox.append(cardRead());
      await new Promise((r) => setTimeout(r, 20 + ((round * 37) % 80)));
      h.sandbox.faults.set({ partition: "none" });
      d.networkUp();
    }
    await d.drained();
    const ev = await events();
    expect(ev.terminals[0]).toMatchObject({ events: appended, applied: appended, ackedThroughSeq: appended });
    expect(ev.events.every((e) => e.applyCount === 1)).toBe(true);
  });

  it("G6/F11: 429 + Retry-After honoured, batches bounded by count and bytes, gzip on the wire", async () => {
    const store = h.store();
    for (let i = 0; i < 1200; i++) store.outbox.append(cardRead());
    const encodings: string[] = [];
    const client = h.client("T1", {
      fetch: (url, init) => {
        if (url.includes("events:batch"))
          encodings.push(String((init.headers as Record<string, string>)["content-encoding"]));
        return fetch(url, init);
      },
    });
    h.sandbox.faults.set({ routes: "events:batch", rateLimit: { count: 1, retryAfterS: 1 } });
    const sizes: Array<{ events: number; bytes: number }> = [];
    const d = h.deliver(store, { client, maxBatchBytes: 64 * 1024 });
    d.onChange((e) => {
      if (e.type === "attempt") sizes.push({ events: e.events, bytes: e.bytes });
    });
    await d.drained();
    expect(sizes.every((s) => s.events <= 500 && s.bytes <= 64 * 1024)).toBe(true);
    expect(encodings.length).toBeGreaterThan(2);
    expect(encodings.every((e) => e === "gzip")).toBe(true);
    const log = h.sandbox.requests().filter((r) => r.url.includes("events:batch"));
    const limited = log.findIndex((r) => r.status === 429);
    expect(limited).toBe(0);
    // The next attempt came no earlier than Retry-After.
    expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(store.status().queueDepth).toBe(0);
  });

  it("F11: several terminals with a backlog reconnect at once under 429s: all drain, exactly once", async () => {
    const ids = ["T1", "T2", "T3", "T4"];
    const stores = ids.map((id) => h.store(id));
    for (const s of stores) for (let i = 0; i < 1500; i++) s.outbox.append(cardRead());
    h.sandbox.faults.set({ routes: "events:batch", rateLimit: { count: 6, retryAfterS: 0 } });
    const ds = stores.map((s) => h.deliver(s, { startJitterMs: 50 }));
    await Promise.all(ds.map((d) => d.drained()));
    const ev = await h.admin<AdminEvents>("GET", "/_admin/events");
    expect(ev.terminals.map((t) => [t.terminalId, t.events, t.applied, t.ackedThroughSeq])).toEqual(
      ids.map((id) => [id, 1500, 1500, 1500]),
    );
  });
});

describe("bad platform answers: typed errors, nothing lost, the queue keeps moving", () => {
  for (const [kind, code] of [
    ["json", "PLATFORM_BAD_RESPONSE"],
    ["content-type", "PLATFORM_BAD_RESPONSE"],
    ["shape", "PLATFORM_BAD_RESPONSE"],
    ["oversized", "PLATFORM_BAD_RESPONSE"],
    ["ack-beyond", "PLATFORM_BAD_RESPONSE"],
  ] as const) {
    it(`malformed E1 answer (${kind}) → ${code}; after the platform is fixed everything arrives once`, async () => {
      const store = h.store();
      for (let i = 0; i < 30; i++) store.outbox.append(cardRead());
      h.sandbox.faults.set({ malformedEventsResponse: kind });
      const d = h.deliver(store, { client: h.client("T1", { maxResponseBytes: 1024 * 1024 }) });
      const seen: string[] = [];
      d.onChange((e) => {
        if (e.type === "error") seen.push(e.code);
      });
      await waitFor(() => seen.length >= 2, 10_000, "errors");
      expect(seen[0]).toBe(code);
      expect(store.status().lastError?.code).toBe(code);
      expect(store.status().queueDepth).toBe(30);
      h.sandbox.faults.reset();
      await d.drained();
      const ev = await events();
      expect(ev.terminals[0]).toMatchObject({ events: 30, applied: 30 });
    });
  }

  it("an ack naming unknown event ids is ignored and reported; the queue keeps moving", async () => {
    const store = h.store();
    for (let i = 0; i < 10; i++) store.outbox.append(cardRead());
    h.sandbox.faults.set({ malformedEventsResponse: "unknown-ids" });
    const d = h.deliver(store);
    await d.drained();
    expect(store.status()).toMatchObject({
      queueDepth: 0,
      deadLetters: 0,
      lastError: { code: "PLATFORM_BAD_RESPONSE" },
    });
    expect(store.audit.list({ kind: "delivery.ack" })[0]!.outcome).toBe("anomaly");
  });

  it("a wrong token is PLATFORM_UNAUTHORIZED and nothing is lost", async () => {
    const store = h.store();
    store.outbox.append(cardRead());
    const d = h.deliver(store, { client: h.client("T1", { token: "not-a-token" }) });
    await waitFor(() => store.status().lastError !== null, 5000, "error");
    expect(store.status().lastError?.code).toBe("PLATFORM_UNAUTHORIZED");
    expect(store.status().queueDepth).toBe(1);
    await d.stop();
  });
});

describe("G5: immediate attempts, not the next timer", () => {
  // Backoff, periodic timer and watchdog all far beyond the test's patience: only the immediate
  // attempts on start and on network-up can deliver in time.
  const slow = {
    backoff: { baseMs: 600_000, capMs: 600_000 },
    random: { next: () => 0.99, bytes: (n: number) => new Uint8Array(n) },
    periodicMs: 600_000,
    watchdogMs: 600_000,
  };

  it("sends a backlog the moment the sender starts", async () => {
    const store = h.store();
    for (let i = 0; i < 3; i++) store.outbox.append(cardRead());
    const d = h.deliver(store, slow);
    await d.drained(3_000);
    expect((await events()).events).toHaveLength(3);
  });

  it("sends at once on network-up, without waiting out the backoff", async () => {
    const store = h.store();
    h.sandbox.faults.set({ routes: "events:batch", partition: "both" });
    const d = h.deliver(store, { ...slow, client: h.client("T1", { timeoutMs: 150 }) });
    store.outbox.append(cardRead());
    await waitFor(() => d.stats.errors >= 1, 5_000, "the first attempt to fail");
    h.sandbox.faults.set({ partition: "none" });
    store.outbox.append(cardRead()); // an append during backoff does not cut it short either
    await expect(d.drained(1_000)).rejects.toMatchObject({ code: "PLATFORM_TIMEOUT" });
    d.networkUp();
    await d.drained(3_000);
    expect((await events()).events.map((e) => e.seq)).toEqual([1, 2]);
  });
});
