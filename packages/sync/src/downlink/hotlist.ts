import { RhcError } from "@rhc/errors";
import type { PlatformClient } from "../platform/client.js";
import { PartialDownload } from "../platform/partial-download.js";
import {
  type HotlistChange,
  type HotlistEntry,
  type HotlistSnapshot,
  hotlistChangesSigningInput,
  hotlistSnapshotSigningInput,
} from "../platform/wire.js";
import type { StoreContext } from "../store/context.js";
import { hotlistKeysFor } from "./hotlist-key.js";
import { type ListVerifier, verifyList } from "./list-signature.js";

export interface HotlistCheck {
  listed: boolean;
  /** The entry that lists the card (a platform entry, or a local offline report). */
  entry?: HotlistEntry & { source: "platform" | "local" };
  /** Version of the list used for the decision (record it in the event's listVersions). */
  listVersion: number | null;
  /** Time since the list was last confirmed current with the platform; null if never. */
  ageMs: number | null;
}

export interface HotlistState {
  cursor: number | null;
  listVersion: number | null;
  refreshedAt: number | null;
}

export interface HotlistRefreshResult {
  mode: "delta" | "snapshot";
  applied: number;
  listVersion: number;
}

/**
 * Local copy of the lost-card list (D1/D2). Deltas and the cursor commit in one transaction
 * (checkpoint-after-data); a snapshot loads into a temp table and swaps in atomically; nothing
 * unsigned or badly signed is ever applied.
 */
export class Hotlist {
  constructor(private readonly ctx: StoreContext) {}

  state(): HotlistState {
    return {
      cursor: this.ctx.meta.get<number>("hotlist.cursor") ?? null,
      listVersion: this.ctx.meta.get<number>("hotlist.listVersion") ?? null,
      refreshedAt: this.ctx.meta.get<number>("hotlist.refreshedAt") ?? null,
    };
  }

  /** Checks one physical card: its `cardNo#cardSerial` entry, then a number-wide entry. */
  checkCard(cardNo: string, cardSerial?: string): HotlistCheck {
    let last: HotlistCheck | undefined;
    for (const key of hotlistKeysFor(cardNo, cardSerial)) {
      last = this.check(key);
      if (last.listed) return last;
    }
    return last!;
  }

  check(cardKey: string): HotlistCheck {
    const { listVersion, refreshedAt } = this.state();
    const ageMs = refreshedAt === null ? null : Math.max(0, this.ctx.clock.now() - refreshedAt);
    const local = this.ctx.db
      .prepare<[string], { reason: string; at: number }>("SELECT reason, at FROM hotlist_local WHERE card_key = ?")
      .get(cardKey);
    if (local) {
      return {
        listed: true,
        entry: {
          cardKey,
          status: "blocked",
          effectiveAt: new Date(local.at).toISOString(),
          reason: local.reason,
          source: "local",
        },
        listVersion,
        ageMs,
      };
    }
    const row = this.ctx.db
      .prepare<[string], Record<string, string | null>>("SELECT * FROM hotlist_entries WHERE card_key = ?")
      .get(cardKey);
    const listed = row !== undefined && row.status !== "unblocked";
    const entry = row
      ? {
          cardKey,
          status: row.status as HotlistEntry["status"],
          effectiveAt: row.effective_at as string,
          reason: row.reason as string,
          ...(row.replaced_by ? { replacedBy: row.replaced_by } : {}),
          source: "platform" as const,
        }
      : undefined;
    return { listed, ...(entry && listed ? { entry } : {}), listVersion, ageMs };
  }

  /** A report-lost made at this desk applies at once (fail-closed), until the platform confirms it. */
  markLocal(cardKey: string, reason: string): void {
    this.ctx.write("hotlist local mark", () => {
      this.ctx.db
        .prepare("INSERT OR REPLACE INTO hotlist_local (card_key, reason, at) VALUES (?, ?, ?)")
        .run(cardKey, reason, this.ctx.clock.now());
      this.ctx.audit.append("hotlist.local", "blocked", { cardKey });
    });
  }

  size(): number {
    return (
      this.ctx.db.prepare("SELECT count(*) AS n FROM hotlist_entries WHERE status != 'unblocked'").get() as {
        n: number;
      }
    ).n;
  }

  /** Applies changes idempotently (a change at or below an entry's seq is skipped). */
  private applyChanges(changes: readonly HotlistChange[]): number {
    const upsert = this.ctx.db.prepare(
      `INSERT INTO hotlist_entries (card_key, status, replaced_by, effective_at, reason, seq) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (card_key) DO UPDATE SET status = excluded.status, replaced_by = excluded.replaced_by,
         effective_at = excluded.effective_at, reason = excluded.reason, seq = excluded.seq
       WHERE excluded.seq > hotlist_entries.seq`,
    );
    const confirm = this.ctx.db.prepare("DELETE FROM hotlist_local WHERE card_key = ?");
    let applied = 0;
    for (const c of changes) {
      applied += upsert.run(c.cardKey, c.status, c.replacedBy ?? null, c.effectiveAt, c.reason, c.seq).changes;
      if (c.status === "blocked") confirm.run(c.cardKey);
    }
    return applied;
  }

  /** Pulls deltas until up to date; falls back to the snapshot on must-refetch or a fresh store. */
  async refresh(client: PlatformClient, verifier: ListVerifier, signal?: AbortSignal): Promise<HotlistRefreshResult> {
    let cursor = this.state().cursor;
    if (cursor === null) return this.loadSnapshot(client, verifier, signal);
    let applied = 0;
    for (let page = 0; page < 1000; page++) {
      let changes: Awaited<ReturnType<PlatformClient["hotlistChanges"]>>;
      try {
        changes = await client.hotlistChanges(cursor, 5000, signal);
      } catch (err) {
        if (err instanceof RhcError && err.code === "HOTLIST_MUST_REFETCH") {
          this.ctx.write("hotlist audit", () =>
            this.ctx.audit.append("hotlist.must_refetch", "snapshot", { since: cursor }),
          );
          return this.loadSnapshot(client, verifier, signal);
        }
        throw err;
      }
      if (changes.since !== cursor || changes.nextSince < cursor) {
        throw new RhcError("PLATFORM_BAD_RESPONSE", {
          detail: `D1 answered since=${changes.since} next=${changes.nextSince} for since=${cursor}`,
        });
      }
      if (!verifyList(verifier, hotlistChangesSigningInput(changes), changes.signature)) {
        this.rejectSignature("changes", changes.listVersion);
      }
      const next = changes.nextSince;
      applied += this.ctx.write("hotlist apply", () => {
        const n = this.applyChanges(changes.changes);
        // Checkpoint after data: the cursor moves in the same transaction as the rows it covers.
        this.ctx.meta.set("hotlist.cursor", next);
        this.ctx.meta.set("hotlist.listVersion", changes.listVersion);
        if (changes.upToDate) this.ctx.meta.set("hotlist.refreshedAt", this.ctx.clock.now());
        this.ctx.audit.append("hotlist.delta", "applied", {
          since: changes.since,
          nextSince: next,
          changes: changes.changes.length,
          listVersion: changes.listVersion,
        });
        return n;
      });
      cursor = next;
      if (changes.upToDate) return { mode: "delta", applied, listVersion: changes.listVersion };
    }
    throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: "D1 never reported upToDate" });
  }

  private rejectSignature(what: string, listVersion: number): never {
    this.ctx.write("hotlist audit", () => this.ctx.audit.append("hotlist.signature", "invalid", { what, listVersion }));
    throw new RhcError("SIGNATURE_INVALID", {
      detail: `blacklist ${what} (listVersion ${listVersion}); the current list is kept`,
    });
  }

  /**
   * Where a cut snapshot download keeps its bytes: beside the database file, so a large list on a slow
   * link resumes across attempts and restarts (none for an in-memory store).
   */
  private partialSnapshot(): PartialDownload | undefined {
    const { db } = this.ctx;
    return db.memory || !db.name ? undefined : new PartialDownload(`${db.name}.hotlist-snapshot.part`);
  }

  /** D2: verify, load into a temp table, swap in one transaction with the cursor. */
  async loadSnapshot(
    client: PlatformClient,
    verifier: ListVerifier,
    signal?: AbortSignal,
  ): Promise<HotlistRefreshResult> {
    const partial = this.partialSnapshot();
    const snapshot: HotlistSnapshot = await client.hotlistSnapshot(signal, partial);
    if (!verifyList(verifier, hotlistSnapshotSigningInput(snapshot), snapshot.signature)) {
      partial?.clear();
      this.rejectSignature("snapshot", snapshot.listVersion);
    }
    const { db } = this.ctx;
    db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS hotlist_incoming (card_key TEXT PRIMARY KEY, status TEXT, replaced_by TEXT, effective_at TEXT, reason TEXT)",
    );
    db.exec("DELETE FROM hotlist_incoming");
    const ins = db.prepare("INSERT OR REPLACE INTO hotlist_incoming VALUES (?, ?, ?, ?, ?)");
    db.transaction(() => {
      for (const e of snapshot.entries) ins.run(e.cardKey, e.status, e.replacedBy ?? null, e.effectiveAt, e.reason);
    })();
    this.ctx.write("hotlist snapshot swap", () => {
      db.exec("DELETE FROM hotlist_entries");
      db.prepare(
        "INSERT INTO hotlist_entries (card_key, status, replaced_by, effective_at, reason, seq) SELECT card_key, status, replaced_by, effective_at, reason, ? FROM hotlist_incoming",
      ).run(snapshot.asOfSeq);
      db.exec(
        "DELETE FROM hotlist_local WHERE card_key IN (SELECT card_key FROM hotlist_incoming WHERE status = 'blocked')",
      );
      this.ctx.meta.set("hotlist.cursor", snapshot.asOfSeq);
      this.ctx.meta.set("hotlist.listVersion", snapshot.listVersion);
      this.ctx.meta.set("hotlist.refreshedAt", this.ctx.clock.now());
      this.ctx.audit.append("hotlist.snapshot", "swapped", {
        listVersion: snapshot.listVersion,
        asOfSeq: snapshot.asOfSeq,
        entries: snapshot.entries.length,
      });
    });
    db.exec("DELETE FROM hotlist_incoming");
    partial?.clear();
    return { mode: "snapshot", applied: snapshot.entries.length, listVersion: snapshot.listVersion };
  }
}
