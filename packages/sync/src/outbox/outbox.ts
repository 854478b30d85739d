import { RhcError } from "@rhc/errors";
import { type EventInput, encodeEventInput } from "../events/envelope.js";
import type { EventType } from "../events/event-types.js";
import type { EventBatchResponse } from "../platform/wire.js";
import type { StoreContext } from "../store/context.js";
import { storeError } from "../store/sqlite-errors.js";
import { sha256Hex } from "../util/canonical-json.js";
import { isoTime } from "../util/iso-time.js";
import { Uuidv7Generator } from "../util/uuidv7.js";

/** Largest single event body accepted at append (a batch must always fit at least one). */
export const MAX_EVENT_BYTES = 256 * 1024;

export interface AppendResult {
  eventId: string;
  seq: number;
}

/** A batch read from the outbox, ready to send. `events` are JSON texts (memory O(batch)). */
export interface OutboxBatch {
  batchId: string;
  fromSeq: number;
  toSeq: number;
  bytes: number;
  events: string[];
  ids: Map<string, number>;
}

export interface AckOutcome {
  ackedThroughSeq: number;
  acked: number;
  deadLettered: number;
  /** Result entries naming event ids that were not in the batch (ignored, reported). */
  unknownIds: string[];
}

export interface DeadLetter {
  seq: number;
  eventId: string;
  type: string;
  status: string;
  code: string | null;
  message: string | null;
  deadAt: number;
  event: Record<string, unknown>;
}

interface Inflight {
  batchId: string;
  fromSeq: number;
  toSeq: number;
}

interface OutboxRow {
  seq: number;
  event_id: string;
  body: string;
  bytes: number;
}

/**
 * The durable outbox: `append` commits (WAL + synchronous=FULL, BEGIN IMMEDIATE) before it returns,
 * and assigns the next gap-free per-terminal `seq` in the same transaction.
 */
export class Outbox {
  private readonly insertStmt;
  private readonly rangeStmt;
  private readonly fromStmt;
  private readonly oldestStmt;
  private readonly appendTxn;
  private readonly maxSeqStmt;
  private readonly ids: Uuidv7Generator;
  private readonly listeners = new Set<(r: AppendResult) => void>();

  constructor(private readonly ctx: StoreContext) {
    const { db } = ctx;
    this.rangeStmt = db.prepare<[number, number], OutboxRow>(
      "SELECT seq, event_id, body, bytes FROM outbox WHERE seq BETWEEN ? AND ? ORDER BY seq",
    );
    this.fromStmt = db.prepare<[number, number], OutboxRow>(
      "SELECT seq, event_id, body, bytes FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
    );
    this.oldestStmt = db.prepare<[], { created_at: number }>("SELECT created_at FROM outbox ORDER BY seq LIMIT 1");
    // The next seq is derived from the rows themselves (pending rows, else the ack mark), so an
    // append writes one row and nothing else: no counter page to rewrite on every commit.
    const lastSeq = `max(COALESCE((SELECT max(seq) FROM outbox), 0),
                         COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'ackedThroughSeq'), 0))`;
    this.maxSeqStmt = db.prepare<[], number>(`SELECT ${lastSeq}`).pluck();
    // One statement computes the seq and inserts the row; seq is the rowid, so it comes back as
    // lastInsertRowid (no RETURNING, which buffers its rows and costs more).
    this.insertStmt = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO outbox (seq, event_id, type, body, bytes, created_at) VALUES (${lastSeq} + 1, ?, ?, ?, ?, ?)`,
    );
    this.appendTxn = db.transaction((type: string, eventId: string, body: string, bytes: number, now: number) =>
      Number(this.insertStmt.run(eventId, type, body, bytes, now).lastInsertRowid),
    );
    this.ids = new Uuidv7Generator(ctx.clock, ctx.random);
  }

  /**
   * Validates, stamps and durably stores one event. Returns only after COMMIT; on a full disk it
   * throws STORE_FULL and nothing is stored (the caller must not tell the operator "done").
   */
  append<T extends EventType>(input: EventInput<T>): AppendResult {
    const encoded = encodeEventInput(input);
    if (!encoded.ok) throw new RhcError("EVENT_INVALID", { detail: encoded.reason });
    const { type, hasOccurredAt, members, payloadJson } = encoded.event;
    const { clock } = this.ctx;
    const now = clock.now();
    const eventId = this.ids.next();
    // One template around the validated texts: `type` is a table name, eventId and the default occurredAt
    // are plain ASCII. The payload was serialised once, canonically: the same text is hashed and stored.
    const body =
      `{"eventId":"${eventId}","type":"${type}",${hasOccurredAt ? "" : `"occurredAt":"${isoTime(now)}",`}` +
      `${members.slice(1, -1)},"mono":${JSON.stringify(clock.mono())}` +
      `,"payload":${payloadJson},"payloadSha256":"${sha256Hex(payloadJson)}"}`;
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_EVENT_BYTES) {
      throw new RhcError("EVENT_INVALID", { detail: `event is ${bytes} bytes (max ${MAX_EVENT_BYTES})` });
    }
    let seq: number;
    try {
      // Its own BEGIN IMMEDIATE (or a savepoint inside a caller's transaction): COMMIT before return.
      seq = this.appendTxn.immediate(type, eventId, body, bytes, now);
    } catch (err) {
      throw storeError(err, "outbox append");
    }
    const result = { eventId, seq };
    for (const l of this.listeners) l(result);
    return result;
  }

  /** Called after each committed append (the delivery loop wakes up on it). */
  onAppend(listener: (r: AppendResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastSeq(): number {
    return this.maxSeqStmt.get() ?? 0;
  }

  ackedThroughSeq(): number {
    return this.ctx.meta.get<number>("ackedThroughSeq") ?? 0;
  }

  /** Events not yet acknowledged. O(1): pending rows are exactly (ackedThroughSeq, lastSeq]. */
  depth(): number {
    return this.lastSeq() - this.ackedThroughSeq();
  }

  oldestPendingAt(): number | undefined {
    return this.oldestStmt.get()?.created_at;
  }

  /**
   * The next batch to send: the persisted in-flight batch again (same batchId and seq range, so a
   * retry is byte-for-byte the same request) or a new one of ≤ maxEvents and ≤ maxBytes.
   */
  nextBatch(maxEvents: number, maxBytes: number): OutboxBatch | undefined {
    const acked = this.ackedThroughSeq();
    const inflight = this.ctx.meta.get<Inflight | null>("inflight");
    let rows: OutboxRow[];
    let batchId: string;
    if (inflight && inflight.fromSeq === acked + 1) {
      rows = this.rangeStmt.all(inflight.fromSeq, inflight.toSeq);
      batchId = inflight.batchId;
    } else {
      rows = [];
      let total = 0;
      for (const row of this.fromStmt.iterate(acked, maxEvents)) {
        if (rows.length > 0 && total + row.bytes + 16 > maxBytes) break;
        rows.push(row);
        total += row.bytes + 16;
      }
      if (rows.length === 0) return undefined;
      batchId = this.ids.next();
      const next: Inflight = { batchId, fromSeq: rows[0]!.seq, toSeq: rows[rows.length - 1]!.seq };
      this.ctx.write("outbox batch", () => this.ctx.meta.set("inflight", next));
    }
    if (rows.length === 0) return undefined;
    const ids = new Map<string, number>();
    let bytes = 0;
    const events = rows.map((r) => {
      ids.set(r.event_id, r.seq);
      bytes += r.bytes;
      return `{"seq":${r.seq},${r.body.slice(1)}`;
    });
    return { batchId, fromSeq: rows[0]!.seq, toSeq: rows[rows.length - 1]!.seq, bytes, events, ids };
  }

  /**
   * Applies the platform's answer in one transaction: rows up to the contiguous ack are deleted,
   * rejected/conflicting ones are first copied to the dead-letter table with the server's reason.
   */
  applyAck(batch: OutboxBatch, response: EventBatchResponse): AckOutcome {
    if (response.ackedThroughSeq > this.lastSeq()) {
      throw new RhcError("PLATFORM_BAD_RESPONSE", {
        detail: `ackedThroughSeq ${response.ackedThroughSeq} is beyond the last seq ${this.lastSeq()}`,
      });
    }
    const unknownIds: string[] = [];
    const outcome = this.ctx.write("outbox ack", () => {
      const before = this.ackedThroughSeq();
      // Never trust an ack past what this batch carried: outcomes beyond it are unknown to us.
      const acked = Math.min(response.ackedThroughSeq, batch.toSeq);
      let deadLettered = 0;
      const dl = this.ctx.db.prepare(
        `INSERT OR IGNORE INTO dead_letter (seq, event_id, type, body, status, code, message, dead_at)
         SELECT seq, event_id, type, body, ?, ?, ?, ? FROM outbox WHERE seq = ?`,
      );
      for (const r of response.results) {
        const seq = batch.ids.get(r.eventId);
        if (seq === undefined) {
          unknownIds.push(r.eventId);
          continue;
        }
        const final = r.status === "duplicate" ? (r.original ?? "accepted") : r.status;
        if ((final === "rejected" || final === "conflict") && seq <= acked && seq > before) {
          const code = r.code ?? (final === "conflict" ? "EVENT_CONFLICT" : "PLATFORM_REJECTED");
          deadLettered += dl.run(final, code, r.message ?? null, this.ctx.clock.now(), seq).changes;
        }
      }
      if (acked > before) {
        this.ctx.db.prepare("DELETE FROM outbox WHERE seq <= ?").run(acked);
        this.ctx.meta.set("ackedThroughSeq", acked);
      }
      this.ctx.meta.set("inflight", null);
      const result = {
        ackedThroughSeq: Math.max(acked, before),
        acked: Math.max(0, acked - before),
        deadLettered,
        unknownIds,
      };
      this.ctx.audit.append("delivery.ack", unknownIds.length > 0 ? "anomaly" : "ok", {
        batchId: batch.batchId,
        fromSeq: batch.fromSeq,
        toSeq: batch.toSeq,
        serverAckedThroughSeq: response.ackedThroughSeq,
        acked: result.acked,
        deadLettered,
        unknownIds: unknownIds.slice(0, 20),
      });
      return result;
    });
    return outcome;
  }

  /**
   * Anchors a store created fresh (first install, re-install, or after quarantine) to the
   * platform's view of this terminal: unsent events are renumbered above the highest seq the
   * platform has ever seen, so seqs are never reused. Runs once, before the first send.
   */
  anchor(serverHighestSeq: number): { shifted: number } {
    return this.ctx.write("outbox anchor", () => {
      if (this.ctx.meta.get<boolean>("anchored")) return { shifted: 0 };
      const shift = serverHighestSeq;
      if (shift > 0) {
        // Two steps through negative keys so no intermediate row collides on the primary key.
        this.ctx.db.prepare("UPDATE outbox SET seq = -(seq + ?)").run(shift);
        this.ctx.db.prepare("UPDATE outbox SET seq = -seq").run();
        this.ctx.meta.set("ackedThroughSeq", shift);
      }
      this.ctx.meta.set("anchored", true);
      this.ctx.meta.set("inflight", null);
      this.ctx.audit.append("outbox.anchor", "ok", { serverHighestSeq, shifted: shift });
      return { shifted: shift };
    });
  }

  isAnchored(): boolean {
    return this.ctx.meta.get<boolean>("anchored") === true;
  }

  deadLetterCount(): number {
    return (this.ctx.db.prepare("SELECT count(*) AS n FROM dead_letter").get() as { n: number }).n;
  }

  deadLetters(limit = 100): DeadLetter[] {
    const rows = this.ctx.db.prepare("SELECT * FROM dead_letter ORDER BY seq DESC LIMIT ?").all(limit) as Array<
      Record<string, string | number | null>
    >;
    return rows.map((r) => ({
      seq: r.seq as number,
      eventId: r.event_id as string,
      type: r.type as string,
      status: r.status as string,
      code: r.code as string | null,
      message: r.message as string | null,
      deadAt: r.dead_at as number,
      event: JSON.parse(r.body as string) as Record<string, unknown>,
    }));
  }
}
