import { closeSync, existsSync, openSync, readdirSync, statSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isRhcError, RhcError } from "@rhc/errors";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSyncStore, sha256Hex, wireEventSchema } from "../src/index.js";
import { type AdminEvents, cardRead, type Harness, harness, reportLost, waitFor } from "./helpers.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

describe("outbox store (real SQLite files)", () => {
  it("G1: WAL + synchronous=FULL; append returns only after COMMIT (visible to another connection at once)", () => {
    const store = h.store();
    expect(store.context.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.context.db.pragma("synchronous", { simple: true })).toBe(2);
    const other = new Database(join(h.dir, "T1.db"), { readonly: true });
    for (let i = 0; i < 20; i++) {
      const { eventId, seq } = store.outbox.append(cardRead());
      const row = other.prepare("SELECT seq FROM outbox WHERE event_id = ?").get(eventId) as
        | { seq: number }
        | undefined;
      expect(row?.seq).toBe(seq);
    }
    other.close();
  });

  it("assigns gap-free seqs and validates payloads per type (EVENT_INVALID, nothing stored)", () => {
    const store = h.store();
    expect(store.outbox.append(cardRead()).seq).toBe(1);
    const bad = { ...cardRead(), payload: { cardNo: "x", purpose: "nope" } } as unknown as ReturnType<typeof cardRead>;
    expect(() => store.outbox.append(bad)).toThrow(RhcError);
    try {
      store.outbox.append(bad);
    } catch (e) {
      expect(isRhcError(e, "EVENT_INVALID")).toBe(true);
    }
    expect(() =>
      store.outbox.append({ ...cardRead(), type: "card.teleported" } as unknown as ReturnType<typeof cardRead>),
    ).toThrow(/invalid/i);
    expect(store.outbox.append(cardRead()).seq).toBe(2);
    expect(store.status().queueDepth).toBe(2);
  });

  it("stores the wire event: envelope fields, the canonical payload text and its SHA-256; ids in append order", () => {
    const store = h.store();
    const input = {
      ...cardRead(),
      listVersions: { hotlist: 7, crl: { k1: "5" } },
      // keys out of order, an optional left undefined and one unknown key (stripped by validation)
      payload: { purpose: "visit", hotlist: "clear", cardSerial: undefined, genuine: false, cardNo: "HC1", extra: 1 },
    } as unknown as ReturnType<typeof cardRead>;
    expect(() => store.outbox.append(input)).toThrow(/cardNo/); // "HC1" is too short
    (input.payload as { cardNo: string }).cardNo = "HC11010100000001";
    const ids = [store.outbox.append(input), store.outbox.append(cardRead()), store.outbox.append(input)];
    const rows = store.context.db.prepare("SELECT event_id, body, bytes FROM outbox ORDER BY seq").all() as Array<{
      event_id: string;
      body: string;
      bytes: number;
    }>;
    expect(rows.map((r) => r.event_id)).toEqual(ids.map((i) => i.eventId));
    expect([...ids.map((i) => i.eventId)].sort()).toEqual(ids.map((i) => i.eventId)); // UUIDv7, monotonic
    const payloadText = '{"cardNo":"HC11010100000001","genuine":false,"hotlist":"clear","purpose":"visit"}';
    const body = rows[0]!.body;
    expect(body).toContain(`"payload":${payloadText},"payloadSha256":"${sha256Hex(payloadText)}"}`);
    expect(rows[0]!.bytes).toBe(Buffer.byteLength(body));
    const event = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(event)).toEqual([
      "eventId",
      "type",
      "occurredAt",
      "aggregate",
      "subject",
      "actor",
      "listVersions",
      "mono",
      "payload",
      "payloadSha256",
    ]);
    expect(event).toMatchObject({
      eventId: ids[0]!.eventId,
      type: "card.read",
      aggregate: input.aggregate,
      subject: input.subject,
      actor: input.actor,
      listVersions: { hotlist: 7, crl: { k1: "5" } },
      payload: { cardNo: "HC11010100000001", genuine: false, hotlist: "clear", purpose: "visit" },
    });
    expect(new Date(event.occurredAt as string).toISOString()).toBe(event.occurredAt);
    expect(wireEventSchema.safeParse({ ...event, seq: 1 }).success).toBe(true);
    expect((JSON.parse(rows[1]!.body) as { listVersions: unknown }).listVersions).toEqual({});
  });

  it("refuses a store file that belongs to another terminal (CONFIG_INVALID)", () => {
    h.store("T1").close();
    expect(() => openSyncStore({ path: join(h.dir, "T1.db"), terminalId: "T2", checkpointIntervalMs: 0 })).toThrow(
      /belongs to terminal T1/,
    );
  });

  it("F12: disk full → STORE_FULL; nothing acknowledged that was not stored; after space is freed the queue moves on", async () => {
    const store = h.store();
    const db = store.context.db;
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 8}`);
    const acked: string[] = [];
    let failure: unknown;
    for (let i = 0; i < 5000 && !failure; i++) {
      try {
        acked.push(store.outbox.append(cardRead()).eventId);
      } catch (e) {
        failure = e;
      }
    }
    expect(isRhcError(failure, "STORE_FULL")).toBe(true);
    expect((failure as RhcError).messages.zh).toContain("磁盘已满");
    expect(acked.length).toBeGreaterThan(0);
    const stored = db.prepare("SELECT event_id FROM outbox ORDER BY seq").all() as Array<{ event_id: string }>;
    expect(stored.map((r) => r.event_id)).toEqual(acked);
    expect(store.outbox.lastSeq()).toBe(acked.length);
    db.pragma("max_page_count = 1073741823");
    acked.push(store.outbox.append(cardRead()).eventId);
    const d = h.deliver(store);
    await d.drained();
    const ev = await h.admin<AdminEvents>("GET", "/_admin/events?terminalId=T1");
    expect(ev.events.map((e) => e.eventId)).toEqual(acked);
  });

  for (const damage of ["header", "truncate"] as const) {
    it(`F13: corrupt DB at startup (${damage}) → quarantined, STORE_CORRUPT alert, fresh store; seqs re-anchored; hotlist snapshot re-fetched`, async () => {
      const path = join(h.dir, "T1.db");
      const first = openSyncStore({ path, terminalId: "T1", checkpointIntervalMs: 0 });
      for (let i = 0; i < 300; i++) first.outbox.append(cardRead());
      const d1 = h.deliver(first);
      await d1.drained();
      await d1.stop();
      await h.admin("POST", "/_admin/hotlist", { cardKey: "HC11010100000009", status: "blocked", reason: "lost" });
      first.checkpoint(true);
      first.close();
      if (damage === "header") {
        const fd = openSync(path, "r+");
        writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
        closeSync(fd);
      } else truncateSync(path, Math.floor(statSync(path).size / 3));

      const store = h.store("T1");
      const st = store.status();
      expect(st.alerts.map((a) => a.code)).toContain("STORE_CORRUPT");
      expect(readdirSync(h.dir).some((f) => f.startsWith("T1.db.corrupt-"))).toBe(true);
      expect(store.context.db.pragma("quick_check", { simple: true })).toBe("ok");
      const { seq } = store.outbox.append(reportLost("HC11010100000010"));
      expect(seq).toBe(1);
      const d = h.deliver(store);
      await d.drained();
      await waitFor(() => store.hotlist.check("HC11010100000009").listed, 5000, "snapshot");
      expect(store.audit.list({ kind: "hotlist.snapshot" })).toHaveLength(1);
      const ev = await h.admin<AdminEvents>("GET", "/_admin/events?terminalId=T1");
      // the fresh store's event was renumbered above everything the platform had seen (no seq reuse)
      expect(ev.events.at(-1)).toMatchObject({ seq: 301, type: "card.reported_lost", status: "accepted" });
      expect(ev.conflicts).toHaveLength(0);
      expect(store.status()).toMatchObject({ lastSeq: 301, ackedThroughSeq: 301, queueDepth: 0 });
    });
  }

  it("F17: WAL stays bounded under a steady writer and a polling reader thanks to TRUNCATE checkpoints", async () => {
    const store = h.store("T1", { walCheckpointBytes: 256 * 1024, checkpointIntervalMs: 5 });
    const reader = new Database(join(h.dir, "T1.db"), { readonly: true });
    let maxWal = 0;
    for (let i = 0; i < 1500; i++) {
      store.outbox.append(cardRead());
      if (i % 10 === 0) reader.prepare("SELECT count(*) FROM outbox").get();
      if (i % 100 === 0) {
        await new Promise((r) => setTimeout(r, 6));
        maxWal = Math.max(maxWal, store.status().walBytes);
      }
    }
    store.checkpoint();
    reader.close();
    expect(store.status().walBytes).toBeLessThanOrEqual(256 * 1024);
    expect(maxWal).toBeLessThan(4 * 1024 * 1024);
    expect(existsSync(join(h.dir, "T1.db-wal"))).toBe(true);
  });
});

describe("G11: audit log", () => {
  it("is append-only and hash-chained; remote exchanges and transitions are recorded", async () => {
    const store = h.store();
    for (let i = 0; i < 5; i++) store.outbox.append(cardRead());
    const d = h.deliver(store);
    await d.drained();
    const acks = store.audit.list({ kind: "delivery.ack" });
    expect(acks[0]!.detail).toMatchObject({ fromSeq: 1, toSeq: 5, acked: 5 });
    expect(acks[0]!.detail.batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.audit.list({ kind: "outbox.anchor" })).toHaveLength(1);
    expect(store.audit.verify()).toBeUndefined();
    expect(() => store.context.db.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
    expect(() => store.context.db.prepare("UPDATE audit_log SET outcome = 'x'").run()).toThrow(/append-only/);
    // An attacker with raw file access who drops the triggers is still caught by the chain.
    store.context.db.exec("DROP TRIGGER audit_no_update");
    store.context.db.prepare("UPDATE audit_log SET outcome = 'forged' WHERE id = 1").run();
    expect(store.audit.verify()).toBe(1);
  });
});

describe("G12: status", () => {
  it("exports queue depth, oldest pending age, last success, dead letters, list versions and clock offset", async () => {
    let now = Date.parse("2026-01-10T08:00:00Z");
    const clock = { now: () => now, mono: () => ({ bootId: "boot-1", uptimeMs: 1000 }) };
    const store = h.store("T1", { clock });
    const idle = store.status();
    expect(idle).toMatchObject({
      terminalId: "T1",
      queueDepth: 0,
      oldestPendingAgeMs: null,
      lastSuccessAt: null,
      deadLetters: 0,
    });
    store.outbox.append(cardRead());
    now += 90_000;
    store.outbox.append(cardRead());
    expect(store.status()).toMatchObject({ queueDepth: 2, oldestPendingAgeMs: 90_000 });
    await h.admin("POST", "/_admin/hotlist", { cardKey: "HC11010100000002", status: "blocked", reason: "lost" });
    const d = h.deliver(store);
    await d.drained();
    await d.refreshDownlinks();
    const st = store.status();
    expect(st.queueDepth).toBe(0);
    expect(st.lastSuccessAt).toBe(now);
    expect(st.listVersions.hotlist).toBe(1);
    expect(st.clock?.offsetMs).toEqual(expect.any(Number));
    expect(Math.abs(st.clock!.offsetMs)).toBeGreaterThan(0);
  });
});
