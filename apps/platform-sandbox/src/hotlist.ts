import {
  type HotlistChange,
  type HotlistChanges,
  type HotlistEntry,
  type HotlistSnapshot,
  hotlistChangesSigningInput,
  hotlistSnapshotSigningInput,
  type ListSigner,
  signList,
} from "@rhc/sync";
import { type Db, kvGet, kvSet } from "./db.js";

type ChangeRow = {
  seq: number;
  card_key: string;
  status: string;
  replaced_by: string | null;
  effective_at: string;
  reason: string;
};

function toChange(r: ChangeRow): HotlistChange {
  return {
    seq: r.seq,
    cardKey: r.card_key,
    status: r.status as HotlistChange["status"],
    ...(r.replaced_by ? { replacedBy: r.replaced_by } : {}),
    effectiveAt: r.effective_at,
    reason: r.reason,
  };
}

/** Server side of D1/D2: a monotonic change log, the current state, signed pages and snapshots. */
export class HotlistStore {
  constructor(
    private readonly db: Db,
    private readonly signer: ListSigner,
  ) {}

  /** Records a status change (admin, or a card.* event); runs inside the caller's transaction if any. */
  change(e: Omit<HotlistEntry, "effectiveAt"> & { effectiveAt?: string }, source: string, now: string): number {
    const effectiveAt = e.effectiveAt ?? now;
    const seq = Number(
      this.db
        .prepare(
          "INSERT INTO hotlist_changes (card_key, status, replaced_by, effective_at, reason, source) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(e.cardKey, e.status, e.replacedBy ?? null, effectiveAt, e.reason, source).lastInsertRowid,
    );
    this.db
      .prepare(
        "INSERT OR REPLACE INTO hotlist_current (card_key, status, replaced_by, effective_at, reason, seq) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(e.cardKey, e.status, e.replacedBy ?? null, effectiveAt, e.reason, seq);
    return seq;
  }

  status(cardKey: string): string | undefined {
    return this.db
      .prepare<[string], { status: string }>("SELECT status FROM hotlist_current WHERE card_key = ?")
      .get(cardKey)?.status;
  }

  maxSeq(): number {
    return (this.db.prepare("SELECT COALESCE(max(seq), 0) AS s FROM hotlist_current").get() as { s: number }).s;
  }

  minRetainedSeq(): number {
    return kvGet<number>(this.db, "hotlist.minRetainedSeq") ?? 1;
  }

  /** Drops history up to throughSeq: clients with an older cursor get 410 must-refetch. */
  compact(throughSeq: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM hotlist_changes WHERE seq <= ?").run(throughSeq);
      kvSet(this.db, "hotlist.minRetainedSeq", Math.max(this.minRetainedSeq(), throughSeq + 1));
    })();
  }

  changes(since: number, limit: number, badSignature: boolean): Omit<HotlistChanges, "serverTime"> | "must-refetch" {
    if (since + 1 < this.minRetainedSeq() && since < this.maxSeq()) return "must-refetch";
    const rows = this.db
      .prepare<[number, number], ChangeRow>("SELECT * FROM hotlist_changes WHERE seq > ? ORDER BY seq LIMIT ?")
      .all(since, limit);
    const changes = rows.map(toChange);
    const max = this.maxSeq();
    const nextSince = changes.length ? changes[changes.length - 1]!.seq : Math.max(since, 0);
    const body = { since, changes, nextSince, upToDate: nextSince >= max, listVersion: max };
    return { ...body, signature: this.sign(hotlistChangesSigningInput(body), badSignature) };
  }

  snapshot(badSignature: boolean): HotlistSnapshot {
    const rows = this.db
      .prepare<[], ChangeRow>("SELECT * FROM hotlist_current WHERE status != 'unblocked' ORDER BY card_key")
      .all();
    const asOfSeq = this.maxSeq();
    const entries = rows.map((r) => {
      const { seq: _seq, ...entry } = toChange(r);
      return entry;
    });
    const body = { listVersion: asOfSeq, asOfSeq, entries };
    return { ...body, signature: this.sign(hotlistSnapshotSigningInput(body), badSignature) };
  }

  current(): HotlistEntry[] {
    return this.db
      .prepare<[], ChangeRow>("SELECT * FROM hotlist_current ORDER BY card_key")
      .all()
      .map((r) => {
        const { seq: _seq, ...entry } = toChange(r);
        return entry;
      });
  }

  private sign(input: unknown, bad: boolean) {
    const sig = signList(this.signer, input);
    if (!bad) return sig;
    const bytes = Buffer.from(sig.value, "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    return { ...sig, value: bytes.toString("base64") };
  }
}
