import { gzipSync } from "node:zlib";
import { type ErrorCode, RhcError } from "@rhc/errors";
import type { z } from "zod";
import type { PartialDownload } from "./partial-download.js";
import { problemSchema } from "./wire.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  baseUrl: string;
  token: string;
  fetch: FetchLike;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface RequestSpec {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
  /** Pre-serialised JSON body (batches are assembled from stored JSON texts). */
  rawBody?: string;
  gzip?: boolean;
  headers?: Record<string, string>;
  accept?: string;
  signal?: AbortSignal;
  maxResponseBytes?: number;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  requestId: string | undefined;
}

/** HTTP status → error code for answers that are not the expected success. Data, not code. */
const STATUS_CODES: ReadonlyArray<[(s: number) => boolean, ErrorCode]> = [
  [(s) => s === 401 || s === 403, "PLATFORM_UNAUTHORIZED"],
  [(s) => s === 429, "RATE_LIMITED"],
  [(s) => s === 408 || s === 504, "PLATFORM_TIMEOUT"],
  [(s) => s >= 500, "PLATFORM_ERROR"],
  [(s) => s >= 400, "PLATFORM_REJECTED"],
  [() => true, "PLATFORM_BAD_RESPONSE"],
];

/** Retry-After in milliseconds (delta-seconds or an HTTP date), undefined if absent or invalid. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const v = headers.get("retry-after");
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function readLimited(res: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (declared > limit) {
    await res.body?.cancel();
    throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: `response of ${declared} bytes exceeds ${limit}` });
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: `response exceeds ${limit} bytes` });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function networkError(err: unknown, spec: RequestSpec, timedOut: boolean): RhcError {
  if (err instanceof RhcError) return err;
  const detail = `${spec.method} ${spec.path}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
  return new RhcError(timedOut ? "PLATFORM_TIMEOUT" : "PLATFORM_UNREACHABLE", { detail, cause: err });
}

/** What every request starts from: the URL, the deadline (own timeout + the caller's signal), auth. */
function begin(options: HttpOptions, spec: RequestSpec) {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.token}`,
    accept: spec.accept ?? "application/json",
    ...spec.headers,
  };
  return {
    url: options.baseUrl.replace(/\/$/, "") + spec.path,
    timeout,
    signal: spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout,
    headers,
  };
}

function answer(res: Response, body: Uint8Array, status = res.status): RawResponse {
  return { status, headers: res.headers, body, requestId: res.headers.get("x-request-id") ?? undefined };
}

/** Sends one request; network failures, timeouts and oversized bodies become typed errors. */
export async function send(options: HttpOptions, spec: RequestSpec): Promise<RawResponse> {
  const { url, timeout, signal, headers } = begin(options, spec);
  let body: Uint8Array | undefined;
  const text = spec.rawBody ?? (spec.body !== undefined ? JSON.stringify(spec.body) : undefined);
  if (text !== undefined) {
    headers["content-type"] = "application/json";
    if (spec.gzip) {
      body = gzipSync(text);
      headers["content-encoding"] = "gzip";
    } else body = Buffer.from(text);
  }
  try {
    const res = await options.fetch(url, { method: spec.method, headers, body: body as RequestInit["body"], signal });
    return answer(res, await readLimited(res, spec.maxResponseBytes ?? options.maxResponseBytes));
  } catch (err) {
    throw networkError(err, spec, timeout.aborted);
  }
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * GET of a large body into `partial`, resuming what an earlier, cut attempt kept with `Range` +
 * `If-Range` (RFC 9110 §14): a 206 that continues exactly where the kept bytes end is appended, a 200
 * (the body changed, or the server ignores ranges) starts over, a 416 or a 206 that does not fit drops
 * the kept bytes and asks again once. A connection cut mid-body keeps what arrived and throws the
 * network error (retriable). Success returns the whole body as a 200; other answers come back as from
 * `send`. Bodies are asked for without content coding, so byte offsets mean the same on both ends.
 */
export async function download(
  options: HttpOptions,
  spec: RequestSpec,
  partial: PartialDownload,
): Promise<RawResponse> {
  const limit = spec.maxResponseBytes ?? options.maxResponseBytes;
  const { url, timeout, signal, headers: base } = begin(options, spec);
  try {
    for (let attempt = 0; ; attempt++) {
      const kept = attempt === 0 ? partial.state() : undefined;
      const headers = {
        ...base,
        "accept-encoding": "identity",
        ...(kept ? { range: `bytes=${kept.length}-`, "if-range": kept.etag } : {}),
      };
      const res = await options.fetch(url, { method: "GET", headers, signal });
      const etag = res.headers.get("etag") ?? undefined;
      const range = CONTENT_RANGE.exec(res.headers.get("content-range") ?? "");
      let total: number;
      if (res.status === 206 && kept && range && Number(range[1]) === kept.length && etag === kept.etag) {
        total = Number(range[3]);
        partial.resume();
      } else if (res.status === 200) {
        total = Number(res.headers.get("content-length") ?? Number.NaN);
        partial.restart(etag);
      } else if ((res.status === 206 || res.status === 416) && kept) {
        await res.body?.cancel();
        partial.clear();
        continue;
      } else {
        return answer(res, await readLimited(res, options.maxResponseBytes));
      }
      if (total > limit) {
        await res.body?.cancel();
        partial.clear();
        throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: `${spec.path}: ${total} bytes exceed ${limit}` });
      }
      let received = res.status === 206 ? (kept?.length ?? 0) : 0;
      const reader = res.body?.getReader();
      for (;;) {
        const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
        if (chunk.done) break;
        received += chunk.value.byteLength;
        if (received > limit) {
          await reader?.cancel();
          partial.clear();
          throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: `${spec.path}: response exceeds ${limit} bytes` });
        }
        partial.append(chunk.value);
      }
      if (Number.isFinite(total) && received !== total) {
        partial.close();
        throw new RhcError("PLATFORM_UNREACHABLE", { detail: `${spec.path}: cut at ${received} of ${total} bytes` });
      }
      return answer(res, partial.read(), 200);
    }
  } catch (err) {
    partial.close();
    throw networkError(err, spec, timeout.aborted);
  }
}

function contentTypeIs(headers: Headers, accepted: readonly string[]): boolean {
  const ct = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return accepted.includes(ct);
}

const JSON_TYPES = ["application/json", "application/fhir+json", "application/problem+json"];

/** Parses a JSON body against a schema; wrong type, bad JSON or a shape mismatch → PLATFORM_BAD_RESPONSE. */
export function parseJson<S extends z.ZodType>(raw: RawResponse, schema: S, what: string): z.infer<S> {
  if (!contentTypeIs(raw.headers, JSON_TYPES)) {
    throw new RhcError("PLATFORM_BAD_RESPONSE", {
      detail: `${what}: content-type ${raw.headers.get("content-type") ?? "(none)"} is not JSON`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw.body).toString("utf8"));
  } catch {
    throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: `${what}: body is not valid JSON` });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("; ");
    throw new RhcError("PLATFORM_BAD_RESPONSE", { detail: `${what}: ${issues}` });
  }
  return parsed.data;
}

export function isBinary(raw: RawResponse, types: readonly string[]): boolean {
  return contentTypeIs(raw.headers, types);
}

/** Turns a non-success answer into the typed error, keeping the platform's problem details. */
export function statusError(raw: RawResponse, what: string): RhcError {
  let problem: z.infer<typeof problemSchema> = {};
  try {
    const parsed = problemSchema.safeParse(JSON.parse(Buffer.from(raw.body).toString("utf8")));
    if (parsed.success) problem = parsed.data;
  } catch {
    // not JSON: the status alone decides
  }
  const code = STATUS_CODES.find(([test]) => test(raw.status))![1];
  const data: Record<string, unknown> = { status: raw.status };
  if (problem.code) data.platformCode = problem.code;
  if (raw.requestId) data.requestId = raw.requestId;
  const after = retryAfterMs(raw.headers);
  if (after !== undefined) data.retryAfterMs = after;
  return new RhcError(code, {
    detail: `${what}: HTTP ${raw.status}${problem.detail ? ` ${problem.detail}` : ""}`,
    data,
  });
}
