import { RhcError } from "@rhc/errors";
import type { PlatformClient } from "../platform/client.js";
import type { StoreContext } from "../store/context.js";
import { type CrlInfo, parseCrl } from "./crl-parse.js";

export interface StoredCrl extends CrlInfo {
  issuerKeyId: string;
  der: Uint8Array;
  fetchedAt: number;
  ageMs: number;
  /** now > nextUpdate + grace: callers apply their stale-CRL policy (warn or deny). */
  stale: boolean;
  delta?: CrlInfo & { der: Uint8Array };
}

const cmp = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/** CRLs cached for offline checks, newest by cRLNumber per issuer key (D3). */
export class CrlStore {
  constructor(
    private readonly ctx: StoreContext,
    private readonly graceMs = 24 * 3600_000,
  ) {}

  private row(issuerKeyId: string, kind: "base" | "delta") {
    return this.ctx.db
      .prepare<[string, string], Record<string, string | number | Uint8Array | null>>(
        "SELECT * FROM crl WHERE issuer_key_id = ? AND kind = ?",
      )
      .get(issuerKeyId, kind);
  }

  get(issuerKeyId: string): StoredCrl | undefined {
    const row = this.row(issuerKeyId, "base");
    if (!row) return undefined;
    const der = new Uint8Array(row.der as Uint8Array);
    const info = parseCrl(der);
    const now = this.ctx.clock.now();
    const nextUpdate = row.next_update as string | null;
    const out: StoredCrl = {
      ...info,
      issuerKeyId,
      der,
      fetchedAt: row.fetched_at as number,
      ageMs: Math.max(0, now - (row.fetched_at as number)),
      stale: nextUpdate !== null && now > Date.parse(nextUpdate) + this.graceMs,
    };
    const delta = this.row(issuerKeyId, "delta");
    if (delta && delta.base_crl_number === info.crlNumber) {
      const dder = new Uint8Array(delta.der as Uint8Array);
      out.delta = { ...parseCrl(dder), der: dder };
    }
    return out;
  }

  /** cRLNumber per issuer (the CRL part of listVersions). */
  versions(): Record<string, string> {
    const rows = this.ctx.db.prepare("SELECT issuer_key_id, crl_number FROM crl WHERE kind = 'base'").all() as Array<{
      issuer_key_id: string;
      crl_number: string;
    }>;
    return Object.fromEntries(rows.map((r) => [r.issuer_key_id, r.crl_number]));
  }

  /** Stores a CRL if it is newer than the one held; returns whether it replaced it. */
  put(issuerKeyId: string, der: Uint8Array): boolean {
    const info = parseCrl(der);
    const kind = info.baseCrlNumber === undefined ? "base" : "delta";
    if (info.issuerKeyId && info.issuerKeyId !== issuerKeyId.toLowerCase()) {
      throw new RhcError("CERT_INVALID", { detail: `CRL issued by key ${info.issuerKeyId}, expected ${issuerKeyId}` });
    }
    return this.ctx.write("crl put", () => {
      const current = this.row(issuerKeyId, kind);
      const order = current ? cmp(info.crlNumber, current.crl_number as string) : 1;
      if (order === 0) {
        // Same CRL again: it is still current, so its age restarts.
        this.ctx.db
          .prepare("UPDATE crl SET fetched_at = ? WHERE issuer_key_id = ? AND kind = ?")
          .run(this.ctx.clock.now(), issuerKeyId, kind);
      }
      if (order <= 0) return false;
      this.ctx.db
        .prepare(
          `INSERT OR REPLACE INTO crl (issuer_key_id, kind, crl_number, base_crl_number, this_update, next_update, der, fetched_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          issuerKeyId,
          kind,
          info.crlNumber,
          info.baseCrlNumber ?? null,
          info.thisUpdate,
          info.nextUpdate ?? null,
          der,
          this.ctx.clock.now(),
        );
      this.ctx.audit.append("crl.stored", kind, { issuerKeyId, crlNumber: info.crlNumber });
      return true;
    });
  }

  /** Downloads the base CRL (and its delta, if the platform has one) for each issuer key. */
  async refresh(client: PlatformClient, issuerKeyIds: readonly string[], signal?: AbortSignal): Promise<void> {
    for (const id of issuerKeyIds) {
      const base = await client.crl(id, false, signal);
      if (base) this.put(id, base.der);
      const delta = await client.crl(id, true, signal);
      if (delta) this.put(id, delta.der);
    }
  }
}
