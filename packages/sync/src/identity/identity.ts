import { RhcError } from "@rhc/errors";
import type { PlatformClient } from "../platform/client.js";
import { type FhirPatient, fhirPatientSchema, OID } from "../platform/wire.js";
import type { StoreContext } from "../store/context.js";

export type IdentityQuery = { idNo: string } | { cardNo: string };

export interface IdentityAnswer {
  patient: FhirPatient;
  empiId: string;
  /** "platform": answered online now; "cache": offline, from a cached answer younger than the TTL. */
  source: "platform" | "cache";
  fetchedAt: number;
}

function keyOf(q: IdentityQuery): string {
  return "idNo" in q ? `idNo:${q.idNo}` : `cardNo:${q.cardNo}`;
}

/** Cached platform identity answers for offline lookups (I1/I2). Entries expire after the TTL. */
export class IdentityCache {
  constructor(
    private readonly ctx: StoreContext,
    readonly ttlMs = 7 * 24 * 3600_000,
  ) {}

  get(q: IdentityQuery): { patient: FhirPatient; fetchedAt: number } | undefined {
    const row = this.ctx.db
      .prepare<[string], { patient: string; fetched_at: number }>(
        "SELECT patient, fetched_at FROM identity_cache WHERE key = ?",
      )
      .get(keyOf(q));
    if (!row || this.ctx.clock.now() - row.fetched_at > this.ttlMs) return undefined;
    const parsed = fhirPatientSchema.safeParse(JSON.parse(row.patient));
    return parsed.success ? { patient: parsed.data, fetchedAt: row.fetched_at } : undefined;
  }

  /** Caches an answer under each of its ID and card numbers; returns the time stamped on it. */
  put(patient: FhirPatient): number {
    const now = this.ctx.clock.now();
    const keys = patient.identifier.flatMap((i) =>
      i.system === OID.idNo ? [`idNo:${i.value}`] : i.system === OID.cardNo ? [`cardNo:${i.value}`] : [],
    );
    this.ctx.write("identity cache", () => {
      const stmt = this.ctx.db.prepare(
        "INSERT OR REPLACE INTO identity_cache (key, patient, fetched_at) VALUES (?, ?, ?)",
      );
      for (const k of keys) stmt.run(k, JSON.stringify(patient), now);
    });
    return now;
  }

  /** Drops expired answers (demographics are personal data: keep them no longer than needed). */
  purge(): number {
    return this.ctx.write(
      "identity purge",
      () =>
        this.ctx.db.prepare("DELETE FROM identity_cache WHERE fetched_at < ?").run(this.ctx.clock.now() - this.ttlMs)
          .changes,
    );
  }
}

/** Identity lookups: online first (PDQm by ID or card number), the cache when the platform is unreachable. */
export function createIdentityService(options: { cache: IdentityCache; client: PlatformClient }) {
  const { cache, client } = options;
  return {
    async lookup(q: IdentityQuery, signal?: AbortSignal): Promise<IdentityAnswer> {
      let patients: FhirPatient[];
      try {
        patients = await client.pdq(q, signal);
      } catch (err) {
        const offline = err instanceof RhcError && err.retriable;
        const cached = offline ? cache.get(q) : undefined;
        if (cached)
          return { patient: cached.patient, empiId: cached.patient.id, source: "cache", fetchedAt: cached.fetchedAt };
        throw err;
      }
      const patient = patients.find((p) => p.active !== false) ?? patients[0];
      if (!patient)
        throw new RhcError("IDENTITY_NOT_FOUND", { detail: "idNo" in q ? "by ID number" : "by card number" });
      const fetchedAt = cache.put(patient);
      return { patient, empiId: patient.id, source: "platform", fetchedAt };
    },
    /** I1: EMPI id and cross-referenced identifiers of a card or ID number (no caching). */
    pix: (q: IdentityQuery, signal?: AbortSignal) =>
      client.pix("idNo" in q ? { system: OID.idNo, value: q.idNo } : { system: OID.cardNo, value: q.cardNo }, signal),
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
