import type { Db } from "../store/database.js";
import { canonicalJson, sha256Hex } from "../util/canonical-json.js";

export interface AuditEntry {
  id: number;
  at: number;
  kind: string;
  outcome: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const GENESIS = "0".repeat(64);

/**
 * Append-only, hash-chained audit (guarantee 11): every local state transition and every remote
 * exchange (request id, outcome). Triggers refuse UPDATE/DELETE; `verify()` re-walks the chain.
 * Callers append inside their own transaction, so the record commits with the change it describes.
 */
export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.lastStmt = db.prepare<[], { hash: string }>("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
    this.insertStmt = db.prepare(
      "INSERT INTO audit_log (at, kind, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
    );
  }

  append(kind: string, outcome: string, detail: Record<string, unknown> = {}): void {
    const prev = this.lastStmt.get()?.hash ?? GENESIS;
    const at = this.now();
    const body = canonicalJson(detail);
    const hash = sha256Hex(`${prev}|${at}|${kind}|${outcome}|${body}`);
    this.insertStmt.run(at, kind, outcome, body, prev, hash);
  }

  list(options: { kind?: string; limit?: number } = {}): AuditEntry[] {
    const rows = this.db
      .prepare<[{ t: string | null; limit: number }], Record<string, string | number>>(
        "SELECT * FROM audit_log WHERE (@t IS NULL OR kind = @t) ORDER BY id DESC LIMIT @limit",
      )
      .all({ t: options.kind ?? null, limit: options.limit ?? 100 });
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as number,
      kind: r.kind as string,
      outcome: r.outcome as string,
      detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      prevHash: r.prev_hash as string,
      hash: r.hash as string,
    }));
  }

  /** Re-computes the chain; returns the id of the first broken entry, or undefined if intact. */
  verify(): number | undefined {
    let prev = GENESIS;
    for (const r of this.db.prepare("SELECT * FROM audit_log ORDER BY id").iterate() as Iterable<
      Record<string, string | number>
    >) {
      const expected = sha256Hex(`${prev}|${r.at}|${r.kind}|${r.outcome}|${r.detail}`);
      if (r.prev_hash !== prev || r.hash !== expected) return r.id as number;
      prev = r.hash as string;
    }
    return undefined;
  }
}
