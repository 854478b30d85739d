import { type ErrorCode, RhcError } from "@rhc/errors";
import type { z } from "zod";
import { download, type FetchLike, isBinary, parseJson, type RawResponse, send, statusError } from "./http.js";
import type { PartialDownload } from "./partial-download.js";
import {
  cancelResponseSchema,
  type EventBatchResponse,
  eventBatchResponseSchema,
  type FhirPatient,
  type HotlistChanges,
  type HotlistSnapshot,
  hotlistChangesSchema,
  hotlistSnapshotSchema,
  OID,
  pdqBundleSchema,
  pixParametersSchema,
  presettleResponseSchema,
  type ReconTotals,
  reconResponseSchema,
  reverseResponseSchema,
  type SettlementInput,
  settlementStatusSchema,
  settleResponseSchema,
  type TerminalCursor,
  terminalCursorSchema,
  timeResponseSchema,
} from "./wire.js";

export interface PlatformClientOptions {
  baseUrl: string;
  terminalId: string;
  token: string;
  /** Injected for fault proxies and tests; defaults to the global fetch (undici). */
  fetch?: FetchLike;
  /** Per-request deadline; a timeout becomes PLATFORM_TIMEOUT (for settle: UNKNOWN). */
  timeoutMs?: number;
  /** Answers larger than this are refused (PLATFORM_BAD_RESPONSE). Snapshots use their own limit. */
  maxResponseBytes?: number;
  maxSnapshotBytes?: number;
}

export interface CrlDownload {
  der: Uint8Array;
  etag: string | undefined;
}

export type PixResult = { empiId: string; identifiers: Array<{ system: string; value: string }> };

const pixNotFoundCodes = new Set([404]);

/**
 * Typed client of the platform contract. Every answer is validated with zod; anything unexpected
 * (status, content type, shape, size) becomes an RhcError with a stable code.
 */
export interface PlatformClient {
  readonly terminalId: string;
  /** E1: the body is assembled from stored JSON texts; sent gzip-compressed. */
  sendEvents(
    batch: { batchId: string; sentAt: string; events: string[] },
    signal?: AbortSignal,
  ): Promise<EventBatchResponse>;
  /** E1b [P]: the platform's cursor for this terminal. */
  cursor(signal?: AbortSignal): Promise<TerminalCursor>;
  /** E1b [P]: anchor a fresh local store: the platform treats seqs ≤ highestSeq as settled. */
  anchor(signal?: AbortSignal): Promise<TerminalCursor>;
  time(signal?: AbortSignal): Promise<{ serverTime: string }>;
  /** I1 (ITI-83): card number or ID number → EMPI id and the other identifiers. */
  pix(source: { system: string; value: string }, signal?: AbortSignal): Promise<PixResult | undefined>;
  /** I2 (ITI-78): demographics query by ID number (and optional filters). */
  pdq(
    query: { idNo?: string; cardNo?: string; family?: string; birthDate?: string; gender?: string },
    signal?: AbortSignal,
  ): Promise<FhirPatient[]>;
  presettle(txnSerial: string, input: SettlementInput): Promise<z.infer<typeof presettleResponseSchema>>;
  settle(
    txnSerial: string,
    input: SettlementInput & { quoteId?: string },
  ): Promise<z.infer<typeof settleResponseSchema>>;
  settlementStatus(txnSerial: string): Promise<z.infer<typeof settlementStatusSchema>>;
  reverse(txnSerial: string, reason: string, requestedAt: string): Promise<z.infer<typeof reverseResponseSchema>>;
  cancel(
    txnSerial: string,
    cancelSerial: string,
    body: { setlId: string; psnNo: string },
  ): Promise<z.infer<typeof cancelResponseSchema>>;
  reconcile(
    orgId: string,
    date: string,
    totals: ReconTotals[],
    details?: Array<{ txnSerial: string; setlId: string; feeTotal: number }>,
  ): Promise<z.infer<typeof reconResponseSchema>>;
  /** D1: throws HOTLIST_MUST_REFETCH on 410. */
  hotlistChanges(since: number, limit?: number, signal?: AbortSignal): Promise<HotlistChanges>;
  /** D2. With `partial`, a cut download resumes where it stopped on the next call (Range + If-Range). */
  hotlistSnapshot(signal?: AbortSignal, partial?: PartialDownload): Promise<HotlistSnapshot>;
  /** D3: DER bytes, or undefined when the platform has none (404). */
  crl(issuerKeyId: string, delta?: boolean, signal?: AbortSignal): Promise<CrlDownload | undefined>;
}

/** Settlement answers: the platform's own code when it names one of these… */
const SETTLEMENT_PLATFORM_CODES: readonly ErrorCode[] = [
  "SETTLEMENT_IN_PROGRESS",
  "SETTLEMENT_TOMBSTONED",
  "IDEMPOTENCY_KEY_REUSED",
  "SETTLEMENT_REFUSED",
  "CONFLICT",
];
/** …else by status; auth, rate limits and 5xx keep the generic platform codes. */
const SETTLEMENT_STATUS_CODES: ReadonlyArray<[(status: number) => boolean, ErrorCode]> = [
  [(s) => s === 409, "SETTLEMENT_IN_PROGRESS"],
  [(s) => s === 410, "SETTLEMENT_TOMBSTONED"],
  [(s) => s >= 400 && s < 500 && ![401, 403, 408, 429].includes(s), "SETTLEMENT_REFUSED"],
];

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const http = {
    baseUrl: options.baseUrl,
    token: options.token,
    fetch: options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 30_000,
    maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
  };
  const t = encodeURIComponent(options.terminalId);

  async function json<S extends z.ZodType>(
    spec: Parameters<typeof send>[1],
    schema: S,
    what: string,
    ok: (s: number) => boolean = (s) => s >= 200 && s < 300,
  ): Promise<z.infer<S>> {
    const raw = await send(http, spec);
    if (!ok(raw.status)) throw statusError(raw, what);
    return parseJson(raw, schema, what);
  }

  function settlementError(raw: RawResponse, what: string): RhcError {
    const base = statusError(raw, what);
    const platformCode = base.data?.platformCode;
    const code =
      SETTLEMENT_PLATFORM_CODES.find((c) => c === platformCode) ??
      SETTLEMENT_STATUS_CODES.find(([test]) => test(raw.status))?.[1];
    return code ? new RhcError(code, { detail: base.detail, data: base.data }) : base;
  }

  async function settlementCall<S extends z.ZodType>(
    spec: Parameters<typeof send>[1],
    schema: S,
    what: string,
  ): Promise<z.infer<S>> {
    const raw = await send(http, spec);
    if (raw.status < 200 || raw.status >= 300) throw settlementError(raw, what);
    return parseJson(raw, schema, what);
  }

  return {
    terminalId: options.terminalId,
    sendEvents(batch, signal) {
      const rawBody = `{"batchId":${JSON.stringify(batch.batchId)},"sentAt":${JSON.stringify(batch.sentAt)},"events":[${batch.events.join(",")}]}`;
      return json(
        { method: "POST", path: `/v1/terminals/${t}/events:batch`, rawBody, gzip: true, ...(signal ? { signal } : {}) },
        eventBatchResponseSchema,
        "E1 events:batch",
      );
    },
    cursor(signal) {
      return json(
        { method: "GET", path: `/v1/terminals/${t}/cursor`, ...(signal ? { signal } : {}) },
        terminalCursorSchema,
        "E1b cursor",
      );
    },
    anchor(signal) {
      return json(
        { method: "POST", path: `/v1/terminals/${t}/cursor:anchor`, body: {}, ...(signal ? { signal } : {}) },
        terminalCursorSchema,
        "E1b anchor",
      );
    },
    time(signal) {
      return json({ method: "GET", path: "/v1/time", ...(signal ? { signal } : {}) }, timeResponseSchema, "T1 time");
    },
    async pix(source, signal) {
      const q = new URLSearchParams({ sourceIdentifier: `${source.system}|${source.value}` });
      q.append("targetSystem", OID.empi);
      q.append("targetSystem", OID.idNo);
      q.append("targetSystem", OID.cardNo);
      const raw = await send(http, {
        method: "GET",
        path: `/fhir/Patient/$ihe-pix?${q}`,
        accept: "application/fhir+json",
        ...(signal ? { signal } : {}),
      });
      if (pixNotFoundCodes.has(raw.status)) return undefined;
      if (raw.status !== 200) throw statusError(raw, "I1 $ihe-pix");
      const params = parseJson(raw, pixParametersSchema, "I1 $ihe-pix");
      const identifiers = params.parameter.flatMap((p) => (p.valueIdentifier ? [p.valueIdentifier] : []));
      const empi =
        identifiers.find((i) => i.system === OID.empi)?.value ??
        params.parameter.find((p) => p.valueReference)?.valueReference?.reference.replace(/^Patient\//, "");
      if (!empi) return undefined;
      return { empiId: empi, identifiers };
    },
    async pdq(query, signal) {
      const q = new URLSearchParams();
      if (query.idNo) q.append("identifier", `${OID.idNo}|${query.idNo}`);
      if (query.cardNo) q.append("identifier", `${OID.cardNo}|${query.cardNo}`);
      if (query.family) q.set("family", query.family);
      if (query.birthDate) q.set("birthdate", query.birthDate);
      if (query.gender) q.set("gender", query.gender);
      const bundle = await json(
        { method: "GET", path: `/fhir/Patient?${q}`, accept: "application/fhir+json", ...(signal ? { signal } : {}) },
        pdqBundleSchema,
        "I2 Patient search",
      );
      return bundle.entry.map((e) => e.resource);
    },
    presettle(txnSerial, input) {
      return settlementCall(
        { method: "POST", path: `/v1/settlements/${encodeURIComponent(txnSerial)}:presettle`, body: input },
        presettleResponseSchema,
        "S1 presettle",
      );
    },
    settle(txnSerial, input) {
      return settlementCall(
        {
          method: "POST",
          path: `/v1/settlements/${encodeURIComponent(txnSerial)}:settle`,
          body: { ...input, reversalPrepared: true },
          headers: { "idempotency-key": txnSerial },
        },
        settleResponseSchema,
        "S2 settle",
      );
    },
    settlementStatus(txnSerial) {
      return settlementCall(
        { method: "GET", path: `/v1/settlements/${encodeURIComponent(txnSerial)}` },
        settlementStatusSchema,
        "S3 status",
      );
    },
    reverse(txnSerial, reason, requestedAt) {
      return settlementCall(
        {
          method: "POST",
          path: `/v1/settlements/${encodeURIComponent(txnSerial)}:reverse`,
          body: { reason, requestedAt },
        },
        reverseResponseSchema,
        "S4 reverse",
      );
    },
    cancel(txnSerial, cancelSerial, body) {
      return settlementCall(
        {
          method: "POST",
          path: `/v1/settlements/${encodeURIComponent(txnSerial)}:cancel`,
          body,
          headers: { "idempotency-key": cancelSerial },
        },
        cancelResponseSchema,
        "S5 cancel",
      );
    },
    reconcile(orgId, date, totals, details) {
      return settlementCall(
        {
          method: "POST",
          path: `/v1/reconciliation/${encodeURIComponent(orgId)}/${encodeURIComponent(date)}`,
          body: { totals, ...(details ? { details } : {}) },
        },
        reconResponseSchema,
        "S6 reconciliation",
      );
    },
    async hotlistChanges(since, limit = 5000, signal) {
      const raw = await send(http, {
        method: "GET",
        path: `/v1/blacklist/changes?since=${since}&limit=${limit}`,
        ...(signal ? { signal } : {}),
      });
      if (raw.status === 410)
        throw new RhcError("HOTLIST_MUST_REFETCH", { detail: `since=${since} is older than the retained history` });
      if (raw.status !== 200) throw statusError(raw, "D1 blacklist changes");
      return parseJson(raw, hotlistChangesSchema, "D1 blacklist changes");
    },
    async hotlistSnapshot(signal, partial) {
      const spec = {
        method: "GET" as const,
        path: "/v1/blacklist/snapshot",
        maxResponseBytes: options.maxSnapshotBytes ?? 64 * 1024 * 1024,
        ...(signal ? { signal } : {}),
      };
      const raw = partial ? await download(http, spec, partial) : await send(http, spec);
      if (raw.status !== 200) throw statusError(raw, "D2 blacklist snapshot");
      const declared = raw.headers.get("content-length");
      if (!partial && declared !== null && Number(declared) !== raw.body.byteLength) {
        throw new RhcError("PLATFORM_BAD_RESPONSE", {
          detail: `D2 snapshot cut at ${raw.body.byteLength} of ${declared} bytes`,
        });
      }
      try {
        return parseJson(raw, hotlistSnapshotSchema, "D2 blacklist snapshot");
      } catch (error) {
        partial?.clear(); // a body that does not parse is not worth resuming
        throw error;
      }
    },
    async crl(issuerKeyId, delta = false, signal) {
      const raw = await send(http, {
        method: "GET",
        path: `/v1/crl/${encodeURIComponent(issuerKeyId)}${delta ? "/delta" : ""}`,
        accept: "application/pkix-crl",
        ...(signal ? { signal } : {}),
      });
      if (raw.status === 404) return undefined;
      if (raw.status !== 200) throw statusError(raw, "D3 CRL");
      if (!isBinary(raw, ["application/pkix-crl"])) {
        throw new RhcError("PLATFORM_BAD_RESPONSE", {
          detail: `D3 CRL: content-type ${raw.headers.get("content-type") ?? "(none)"}`,
        });
      }
      return { der: raw.body, etag: raw.headers.get("etag") ?? undefined };
    },
  };
}
