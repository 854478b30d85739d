import { randomUUID } from "node:crypto";
import { RhcError } from "@rhc/errors";
import type { BatchItem, BatchSummary, ItemState } from "../../shared/channels.js";
import type { Resident } from "../../shared/resident.js";
import type { Db } from "../store/database.js";
import { assertTransition } from "./item-state.js";

export interface StoredItem extends BatchItem {
  batchId: string;
  resident: Resident;
  eventId: string | null;
  /** The prepared card (JSON) once the row reached personalising. */
  plan: string | null;
}

/**
 * The row as it may leave the desk's Node side (channel answers, pushed events): state and
 * identity of the row only — never the holder's record, the card plan or the event id.
 */
export function publicItem(item: StoredItem): BatchItem {
  const { row, citizenId, name, state, attempts, chipSerial, error } = item;
  return { row, citizenId, name, state, attempts, chipSerial, error };
}

interface ItemRow {
  batch_id: string;
  row: number;
  resident: string;
  citizen_id: string;
  name: string;
  state: ItemState;
  attempts: number;
  chip_serial: string | null;
  plan: string | null;
  event_id: string | null;
  error_code: string | null;
  error_detail: string | null;
}

interface BatchRow {
  id: string;
  name: string;
  created_at: string;
  status: BatchSummary["status"];
}

export interface ItemError {
  code: string;
  zh: string;
  en: string;
}

const STATES: readonly ItemState[] = ["pending", "personalising", "verifying", "issued", "failed"];

/** Batches and their per-card state in SQLite, so a batch survives the app being killed. */
export class BatchStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  create(name: string, rows: readonly { row: number; resident: Resident }[]): string {
    const id = randomUUID();
    const now = this.clock().toISOString();
    const insertItem = this.db.prepare(
      `INSERT INTO batch_items (batch_id, row, resident, citizen_id, name, state, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
    );
    this.db.transaction(() => {
      this.db
        .prepare("INSERT INTO batches (id, name, created_at, status) VALUES (?, ?, ?, ?)")
        .run(id, name, now, rows.length === 0 ? "done" : "ready");
      for (const { row, resident } of rows) {
        insertItem.run(id, row, JSON.stringify(resident), resident.citizenId ?? "", resident.name ?? "", now);
      }
    })();
    return id;
  }

  list(): BatchSummary[] {
    const rows = this.db.prepare("SELECT * FROM batches ORDER BY created_at DESC").all() as BatchRow[];
    return rows.map((r) => this.summarise(r));
  }

  summary(id: string): BatchSummary {
    return this.summarise(this.batchRow(id));
  }

  items(id: string): StoredItem[] {
    this.batchRow(id);
    const rows = this.db.prepare("SELECT * FROM batch_items WHERE batch_id = ? ORDER BY row").all(id) as ItemRow[];
    return rows.map(toItem);
  }

  item(id: string, row: number): StoredItem {
    const r = this.db.prepare("SELECT * FROM batch_items WHERE batch_id = ? AND row = ?").get(id, row) as
      | ItemRow
      | undefined;
    if (!r) throw new RhcError("NOT_FOUND", { detail: `batch ${id} row ${row}` });
    return toItem(r);
  }

  setStatus(id: string, status: BatchSummary["status"]): BatchSummary {
    this.batchRow(id);
    this.db.prepare("UPDATE batches SET status = ? WHERE id = ?").run(status, id);
    return this.summary(id);
  }

  /** The next card to work on: an interrupted verification first, then pending rows in file order. */
  next(id: string): StoredItem | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM batch_items WHERE batch_id = ? AND state IN ('verifying','pending')
         ORDER BY CASE state WHEN 'verifying' THEN 0 ELSE 1 END, row LIMIT 1`,
      )
      .get(id) as ItemRow | undefined;
    return r && toItem(r);
  }

  /**
   * After a crash, a row left in `personalising` went to a card that is no longer trustworthy and
   * never reached the platform: it goes back to pending (the attempt stays counted).
   * Rows in `verifying` are kept: the runner re-verifies the card if it is still in the reader.
   */
  recover(id: string): number {
    return this.db
      .prepare(
        "UPDATE batch_items SET state = 'pending', updated_at = ? WHERE batch_id = ? AND state = 'personalising'",
      )
      .run(this.clock().toISOString(), id).changes;
  }

  transition(
    id: string,
    row: number,
    to: ItemState,
    patch: { chipSerial?: string | null; plan?: string | null; eventId?: string | null; error?: ItemError | null } = {},
  ): StoredItem {
    const current = this.item(id, row);
    assertTransition(current.state, to);
    const attempts = to === "personalising" ? current.attempts + 1 : current.attempts;
    const error = to === "failed" ? (patch.error ?? null) : to === "pending" ? (patch.error ?? current.error) : null;
    this.db
      .prepare(
        `UPDATE batch_items SET state = ?, attempts = ?, chip_serial = ?, plan = ?, event_id = ?, error_code = ?,
         error_detail = ?, updated_at = ? WHERE batch_id = ? AND row = ? AND state = ?`,
      )
      .run(
        to,
        attempts,
        patch.chipSerial === undefined ? current.chipSerial : patch.chipSerial,
        patch.plan === undefined ? current.plan : patch.plan,
        patch.eventId === undefined ? current.eventId : patch.eventId,
        error?.code ?? null,
        error ? JSON.stringify({ zh: error.zh, en: error.en }) : null,
        this.clock().toISOString(),
        id,
        row,
        current.state,
      );
    return this.item(id, row);
  }

  /** Sends every failed row of a batch back to pending (the operator's "retry the bad ones"). */
  retryFailed(id: string): number {
    return this.db
      .prepare("UPDATE batch_items SET state = 'pending', updated_at = ? WHERE batch_id = ? AND state = 'failed'")
      .run(this.clock().toISOString(), id).changes;
  }

  private batchRow(id: string): BatchRow {
    const row = this.db.prepare("SELECT * FROM batches WHERE id = ?").get(id) as BatchRow | undefined;
    if (!row) throw new RhcError("NOT_FOUND", { detail: `batch ${id}` });
    return row;
  }

  private summarise(row: BatchRow): BatchSummary {
    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<ItemState, number>;
    const rows = this.db
      .prepare("SELECT state, COUNT(*) AS n FROM batch_items WHERE batch_id = ? GROUP BY state")
      .all(row.id) as { state: ItemState; n: number }[];
    let total = 0;
    for (const { state, n } of rows) {
      counts[state] = n;
      total += n;
    }
    return { id: row.id, name: row.name, createdAt: row.created_at, status: row.status, total, counts };
  }
}

function toItem(r: ItemRow): StoredItem {
  const detail = r.error_detail ? (JSON.parse(r.error_detail) as { zh: string; en: string }) : null;
  return {
    batchId: r.batch_id,
    row: r.row,
    citizenId: r.citizen_id,
    name: r.name,
    state: r.state,
    attempts: r.attempts,
    chipSerial: r.chip_serial,
    eventId: r.event_id,
    plan: r.plan,
    resident: JSON.parse(r.resident) as Resident,
    error: r.error_code && detail ? { code: r.error_code, ...detail } : null,
  };
}
