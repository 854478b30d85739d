import {
  canonicalJson,
  type EventResult,
  sha256Hex,
  validatePayload,
  type WireEvent,
  wireEventSchema,
} from "@rhc/sync";
import type { Db } from "./db.js";
import type { HotlistStore } from "./hotlist.js";
import type { Empi } from "./identity.js";

/** Skew above which a batch is flagged (device clock vs platform receive time). */
export const SKEW_FLAG_MS = 5 * 60_000;

export interface IngestContext {
  db: Db;
  empi: Empi;
  hotlist: HotlistStore;
  now: () => string;
  rejectEventIds: readonly string[];
}

export interface IngestOutcome {
  ackedThroughSeq: number;
  results: EventResult[];
}

type StoredEvent = {
  event_id: string;
  terminal_id: string;
  seq: number;
  payload_sha256: string;
  status: string;
  code: string | null;
  message: string | null;
};

/** Server-side effects of accepted events, applied once (platform order: receive order, then seq). */
function applyEffects(ctx: IngestContext, e: WireEvent): string | null {
  const p = e.payload as Record<string, string>;
  const now = ctx.now();
  switch (e.type) {
    case "card.issued":
      ctx.empi.feed({
        cardNo: p.cardNo!,
        idNo: p.idNo!,
        name: p.name!,
        gender: p.gender!,
        birthDate: p.birthDate!,
        ...(p.ethnicity ? { ethnicity: p.ethnicity } : {}),
        ...(p.phone ? { phone: p.phone } : {}),
        ...(p.address ? { address: p.address } : {}),
      });
      return null;
    case "card.reported_lost":
      ctx.hotlist.change(
        { cardKey: p.cardNo!, status: "blocked", reason: p.reason!, effectiveAt: e.occurredAt },
        `event:${e.eventId}`,
        now,
      );
      return null;
    case "card.unblocked":
      ctx.hotlist.change(
        { cardKey: p.cardNo!, status: "unblocked", reason: p.reason!, effectiveAt: e.occurredAt },
        `event:${e.eventId}`,
        now,
      );
      return null;
    case "card.replaced":
      ctx.hotlist.change(
        {
          cardKey: p.cardNo!,
          status: "replaced",
          replacedBy: p.newCardNo!,
          reason: p.reason!,
          effectiveAt: e.occurredAt,
        },
        `event:${e.eventId}`,
        now,
      );
      return null;
    case "card.read":
      // A read of a blocked card is a fact: stored, flagged for audit, never rejected.
      return ctx.hotlist.status(p.cardNo!) === "blocked" ? "read_while_blocked" : null;
    default:
      return null;
  }
}

/**
 * E1 ingest in one SQLite transaction per batch. Unique on eventId and (terminalId, seq); a
 * duplicate replays the original outcome, same id with another hash is a quarantined conflict, a
 * rejection still consumes its seq (Replicache rule) and ackedThroughSeq is the contiguous high-water mark.
 */
export function ingestBatch(
  ctx: IngestContext,
  terminalId: string,
  batch: { batchId: string; sentAt: string; events: unknown[] },
): IngestOutcome {
  const { db } = ctx;
  const receivedAt = ctx.now();
  return db.transaction(() => {
    db.prepare("INSERT OR IGNORE INTO terminals (terminal_id) VALUES (?)").run(terminalId);
    const skew = Date.parse(receivedAt) - Date.parse(batch.sentAt);
    db.prepare(
      `INSERT INTO batches (batch_id, terminal_id, receive_count, events, sent_at, first_received_at, skew_ms) VALUES (?, ?, 1, ?, ?, ?, ?)
       ON CONFLICT (batch_id) DO UPDATE SET receive_count = receive_count + 1`,
    ).run(batch.batchId, terminalId, batch.events.length, batch.sentAt, receivedAt, Number.isNaN(skew) ? 0 : skew);

    const byId = db.prepare<[string], StoredEvent>("SELECT * FROM events WHERE event_id = ?");
    const bySlot = db.prepare<[string, number], StoredEvent>("SELECT * FROM events WHERE terminal_id = ? AND seq = ?");
    const insert = db.prepare(
      `INSERT INTO events (event_id, terminal_id, seq, type, payload_sha256, status, code, message, body, occurred_at, received_at, batch_id, apply_count, flags)
       VALUES (@eventId, @terminalId, @seq, @type, @hash, @status, @code, @message, @body, @occurredAt, @receivedAt, @batchId, @applied, @flags)`,
    );
    const conflict = db.prepare(
      "INSERT INTO event_conflicts (event_id, terminal_id, seq, payload_sha256, body, reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    const results: EventResult[] = [];
    const parsed = batch.events
      .map((raw) => ({ raw, check: wireEventSchema.safeParse(raw) }))
      .sort((a, b) => ((a.raw as { seq?: number }).seq ?? 0) - ((b.raw as { seq?: number }).seq ?? 0));

    for (const { raw, check } of parsed) {
      const r = raw as { eventId?: unknown; seq?: unknown };
      const eventId = typeof r.eventId === "string" ? r.eventId : "";
      const seq = typeof r.seq === "number" && Number.isInteger(r.seq) && r.seq > 0 ? r.seq : undefined;
      const body = JSON.stringify(raw);
      const hash = check.success ? check.data.payloadSha256 : sha256Hex(body);
      const known = eventId ? byId.get(eventId) : undefined;
      if (known) {
        db.prepare("UPDATE events SET receive_count = receive_count + 1 WHERE event_id = ?").run(eventId);
        if (known.payload_sha256 === hash && known.terminal_id === terminalId) {
          results.push({
            eventId,
            seq: known.seq,
            status: "duplicate",
            original: known.status as "accepted" | "rejected",
            ...(known.code ? { code: known.code } : {}),
            ...(known.message ? { message: known.message } : {}),
          });
        } else {
          conflict.run(eventId, terminalId, seq ?? 0, hash, body, "same eventId, different content", receivedAt);
          results.push({
            eventId,
            status: "conflict",
            code: "EVENT_CONFLICT",
            message: "eventId already received with different content",
          });
        }
        continue;
      }
      if (!eventId || seq === undefined) {
        results.push({
          eventId,
          status: "rejected",
          code: "EVENT_INVALID",
          message: "eventId and a positive integer seq are required",
        });
        continue;
      }
      const slot = bySlot.get(terminalId, seq);
      if (slot) {
        conflict.run(eventId, terminalId, seq, hash, body, `seq ${seq} already holds ${slot.event_id}`, receivedAt);
        results.push({
          eventId,
          seq,
          status: "conflict",
          code: "EVENT_CONFLICT",
          message: `seq ${seq} already used by another event`,
        });
        continue;
      }
      let status: "accepted" | "rejected" = "accepted";
      let code: string | null = null;
      let message: string | null = null;
      if (!check.success) {
        status = "rejected";
        code = "EVENT_INVALID";
        message = check.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".")}: ${i.message}`)
          .join("; ");
      } else {
        const payload = validatePayload(check.data.type, check.data.payload);
        if (!payload.ok) {
          status = "rejected";
          code = "EVENT_INVALID";
          message = payload.reason;
        } else if (sha256Hex(canonicalJson(check.data.payload)) !== check.data.payloadSha256) {
          status = "rejected";
          code = "EVENT_INVALID";
          message = "payloadSha256 does not match the payload";
        } else if (ctx.rejectEventIds.includes(eventId)) {
          status = "rejected";
          code = "PLATFORM_REJECTED";
          message = "rejected by platform policy (poison event)";
        }
      }
      const flags = status === "accepted" && check.success ? applyEffects(ctx, check.data) : null;
      const ev = check.success ? check.data : undefined;
      insert.run({
        eventId,
        terminalId,
        seq,
        type: ev?.type ?? String((raw as { type?: unknown }).type ?? "unknown"),
        hash,
        status,
        code,
        message,
        body,
        occurredAt: ev?.occurredAt ?? "",
        receivedAt,
        batchId: batch.batchId,
        applied: status === "accepted" ? 1 : 0,
        flags,
      });
      results.push({ eventId, seq, status, ...(code ? { code } : {}), ...(message ? { message } : {}) });
    }
    const ackedThroughSeq = advance(db, terminalId);
    return { ackedThroughSeq, results };
  })();
}

/** Moves the terminal's contiguous high-water mark over every filled slot. */
export function advance(db: Db, terminalId: string): number {
  const t = db
    .prepare<[string], { acked_through_seq: number }>("SELECT acked_through_seq FROM terminals WHERE terminal_id = ?")
    .get(terminalId);
  let acked = t?.acked_through_seq ?? 0;
  const has = db.prepare<[string, number], { seq: number }>("SELECT seq FROM events WHERE terminal_id = ? AND seq = ?");
  while (has.get(terminalId, acked + 1)) acked++;
  const highest =
    db.prepare<[string], { s: number | null }>("SELECT max(seq) AS s FROM events WHERE terminal_id = ?").get(terminalId)
      ?.s ?? 0;
  db.prepare("UPDATE terminals SET acked_through_seq = ?, highest_seq = max(highest_seq, ?) WHERE terminal_id = ?").run(
    acked,
    highest,
    terminalId,
  );
  return acked;
}

export function terminalCursor(db: Db, terminalId: string): { ackedThroughSeq: number; highestSeq: number } {
  const t = db
    .prepare<[string], { acked_through_seq: number; highest_seq: number }>(
      "SELECT acked_through_seq, highest_seq FROM terminals WHERE terminal_id = ?",
    )
    .get(terminalId);
  return { ackedThroughSeq: t?.acked_through_seq ?? 0, highestSeq: t?.highest_seq ?? 0 };
}

/**
 * E1b anchor: a terminal that lost its store starts above everything the platform has seen; slots
 * below that which never arrived are abandoned (they were in the lost store), so acks can move on.
 */
export function anchorTerminal(db: Db, terminalId: string): { ackedThroughSeq: number; highestSeq: number } {
  return db.transaction(() => {
    db.prepare("INSERT OR IGNORE INTO terminals (terminal_id) VALUES (?)").run(terminalId);
    const { highestSeq } = terminalCursor(db, terminalId);
    db.prepare("UPDATE terminals SET acked_through_seq = ?, anchored_through_seq = ? WHERE terminal_id = ?").run(
      highestSeq,
      highestSeq,
      terminalId,
    );
    return { ackedThroughSeq: highestSeq, highestSeq };
  })();
}
