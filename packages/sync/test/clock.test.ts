import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Clock } from "../src/index.js";
import { type AdminEvents, cardRead, type Harness, harness } from "./helpers.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

describe("G9/F10: clock honesty under a clock nemesis", () => {
  it("device clock ±days, a backwards jump and an NTP step: order by seq, occurredAt never rewritten, skew flagged", async () => {
    const day = 86400_000;
    let offset = -3 * day;
    let uptime = 1000;
    const clock: Clock = {
      now: () => Date.now() + offset,
      mono: () => {
        uptime += 10;
        return { bootId: "boot-A", uptimeMs: uptime };
      },
    };
    const store = h.store("T1", { clock });
    const steps = [-3 * day, -3 * day - 3600_000, 2 * day, 0, -5000];
    const appended: Array<{ eventId: string; occurredAt: string }> = [];
    for (const step of steps) {
      offset = step;
      for (let i = 0; i < 3; i++) {
        const { eventId } = store.outbox.append(cardRead());
        appended.push({
          eventId,
          occurredAt: JSON.parse(
            (store.context.db.prepare("SELECT body FROM outbox WHERE event_id = ?").get(eventId) as { body: string })
              .body,
          ).occurredAt,
        });
      }
    }
    offset = 2 * day;
    const d = h.deliver(store);
    await d.drained();
    await d.refreshDownlinks();
    const ev = await h.admin<AdminEvents>("GET", "/_admin/events?terminalId=T1");
    expect(ev.events.map((e) => e.eventId)).toEqual(appended.map((a) => a.eventId));
    expect(ev.events.map((e) => e.occurredAt)).toEqual(appended.map((a) => a.occurredAt));
    // device time went backwards inside the stream, and nothing was reordered or "corrected"
    expect(Date.parse(appended[3]!.occurredAt)).toBeLessThan(Date.parse(appended[2]!.occurredAt));
    const st = store.status();
    expect(st.clock?.skewed).toBe(true);
    expect(Math.abs(st.clock!.offsetMs + 2 * day)).toBeLessThan(60_000);
    expect(store.audit.list({ kind: "clock.skew" })).toHaveLength(1);
    // the platform measured the skew from the batch send time
    expect(Math.abs(ev.batches[0]!.skewMs + 2 * day)).toBeLessThan(60_000);
    const body = JSON.parse((h.sandbox.db.prepare("SELECT body FROM events LIMIT 1").get() as { body: string }).body);
    expect(body.mono).toEqual({ bootId: "boot-A", uptimeMs: expect.any(Number) });
  });
});
