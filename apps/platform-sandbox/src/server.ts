import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { gunzipSync } from "node:zlib";
import {
  cancelRequestSchema,
  eventBatchSchema,
  hotlistEntrySchema,
  OID,
  reconRequestSchema,
  reverseRequestSchema,
  settlementInputSchema,
  settleRequestSchema,
} from "@rhc/sync";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { z } from "zod";
import { buildDemoCrl, readCrlFile } from "./crl.js";
import { type Db, openSandboxDb } from "./db.js";
import { FaultState, faultsSchema } from "./faults.js";
import { HotlistStore } from "./hotlist.js";
import { Empi } from "./identity.js";
import { anchorTerminal, ingestBatch, terminalCursor } from "./ingest.js";
import { openApiDocument } from "./openapi.js";
import { generateResidents, type Resident } from "./residents.js";
import { SettlementEngine } from "./settlement.js";
import { type SandboxSigning, sm2Signing } from "./signer.js";

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  dbPath: string;
  adminToken: string;
  /** terminalId → bearer token. */
  terminals: Record<string, string>;
  /** Seed of the demo residents (false: no residents). */
  seed?: number | false;
  residents?: number;
  /** Directory of `<issuerKeyId>.crl` / `<issuerKeyId>.delta.crl` files served by D3. */
  crlDir?: string;
  signing?: SandboxSigning;
  /** Platform clock (epoch ms); tests inject skew. */
  now?: () => number;
  /** What "crash" does (child-process mode: the default kills the process with SIGKILL). */
  onCrash?: () => void;
  /**
   * Optional mutual TLS: the server certificate, and the CA that issues terminal certificates
   * (subject CN = terminalId). A verified client certificate identifies the terminal; a bearer
   * token, if also sent, must belong to the same terminal.
   */
  tls?: { key: string | Buffer; cert: string | Buffer; clientCa: string | Buffer };
}

export interface Sandbox {
  url: string;
  port: number;
  faults: FaultState;
  db: Db;
  signing: SandboxSigning;
  residents: Resident[];
  empi: Empi;
  hotlist: HotlistStore;
  settlement: SettlementEngine;
  /** Requests seen (method, url, status, time), newest last; bounded. */
  requests(): RequestLogEntry[];
  close(): Promise<void>;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  url: string;
  status: number | "reset" | "dropped" | "hung";
  /** The Range header of a resumed download. */
  range?: string;
}

const MAX_BODY = 4 * 1024 * 1024;
const MAX_LOG = 5000;

function problem(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ type: `urn:rhc:error:${code}`, title: code, status, code, detail });
}

function zodDetail(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".")}: ${i.message}`)
    .join("; ");
}

/**
 * Starts the reference regional platform on loopback: E1, I1–I3, S1–S6, D1–D3, T1, the admin and
 * inspection endpoints, and the fault knobs. Real HTTP (fastify), real SQLite (better-sqlite3).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const db = openSandboxDb(options.dbPath);
  const nowMs = options.now ?? Date.now;
  const now = () => new Date(nowMs()).toISOString();
  const signing = options.signing ?? sm2Signing();
  const faults = new FaultState();
  const empi = new Empi(db, now);
  const residents = options.seed === false ? [] : generateResidents(options.residents ?? 60, options.seed ?? 20240601);
  empi.seed(residents);
  const hotlist = new HotlistStore(db, signing.signer);
  const settlement = new SettlementEngine(db, now);
  const terminalOf = new Map(Object.entries(options.terminals).map(([id, token]) => [token, id]));
  const requestTerminal = new WeakMap<FastifyRequest, string>();
  const faulted = new WeakSet<FastifyRequest>();
  const log: RequestLogEntry[] = [];
  const record = (e: RequestLogEntry) => {
    log.push(e);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG);
  };
  const logEntry = (req: FastifyRequest, status: RequestLogEntry["status"]): RequestLogEntry => ({
    at: nowMs(),
    method: req.method,
    url: req.url,
    status,
    ...(req.headers.range ? { range: req.headers.range } : {}),
  });
  const crash = options.onCrash ?? (() => process.kill(process.pid, "SIGKILL"));

  const app = (
    options.tls
      ? Fastify({
          logger: false,
          genReqId: () => randomUUID(),
          forceCloseConnections: true,
          bodyLimit: MAX_BODY,
          // The handshake accepts any client so that a missing or foreign certificate gets a 401 answer.
          https: {
            key: options.tls.key,
            cert: options.tls.cert,
            ca: options.tls.clientCa,
            requestCert: true,
            rejectUnauthorized: false,
          },
        })
      : Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true, bodyLimit: MAX_BODY })
  ) as FastifyInstance;

  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    ["application/json", "application/fhir+json"],
    { parseAs: "buffer", bodyLimit: MAX_BODY },
    (req, body, done) => {
      try {
        const buf = body as Buffer;
        const raw = req.headers["content-encoding"] === "gzip" ? gunzipSync(buf, { maxOutputLength: MAX_BODY }) : buf;
        done(null, raw.length === 0 ? {} : JSON.parse(raw.toString("utf8")));
      } catch (err) {
        const e = err as Error & { statusCode?: number };
        e.statusCode = /maxOutputLength|buffer/i.test(e.message) ? 413 : 400;
        done(e, undefined);
      }
    },
  );

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    return problem(
      reply,
      status,
      status === 413 ? "INVALID_INPUT" : status >= 500 ? "INTERNAL" : "INVALID_INPUT",
      err.message,
    );
  });

  app.addHook("onRequest", async (req, reply) => {
    const url = req.url;
    if (url === "/openapi.json") return;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (url.startsWith("/_admin")) {
      if (bearer !== options.adminToken) return problem(reply, 401, "UNAUTHORIZED", "admin token required");
      return;
    }
    const byToken = bearer ? terminalOf.get(bearer) : undefined;
    let terminalId = byToken;
    if (options.tls) {
      const socket = req.raw.socket as TLSSocket;
      const cn = socket.authorized ? socket.getPeerCertificate().subject?.CN : undefined;
      const byCert = typeof cn === "string" && Object.hasOwn(options.terminals, cn) ? cn : undefined;
      if (!byCert) return problem(reply, 401, "PLATFORM_UNAUTHORIZED", "a terminal client certificate is required");
      if (bearer && byToken !== byCert)
        return problem(reply, 401, "PLATFORM_UNAUTHORIZED", "token and certificate name different terminals");
      terminalId = byCert;
    }
    if (!terminalId) return problem(reply, 401, "PLATFORM_UNAUTHORIZED", "unknown terminal token");
    requestTerminal.set(req, terminalId);
    if (!faults.matches(req.method, url)) return;
    faulted.add(req);
    const f = faults.get();
    if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    const action = faults.before();
    switch (action.kind) {
      case "reset":
        record(logEntry(req, "reset"));
        reply.hijack();
        req.raw.socket.destroy();
        return reply;
      case "hang":
        record(logEntry(req, "hung"));
        reply.hijack();
        return reply;
      case "rate":
        reply.header("retry-after", String(action.retryAfterS));
        return problem(reply, 429, "RATE_LIMITED", "slow down");
      case "error":
        return problem(reply, action.status, "PLATFORM_ERROR", "injected failure");
      default:
        return;
    }
  });

  app.addHook("onSend", async (req, reply, payload) => {
    reply.header("x-request-id", req.id);
    if (faulted.has(req) && reply.statusCode < 500 && reply.statusCode !== 429) {
      const action = faults.after();
      if (action === "crash") crash();
      if (action === "drop" || action === "crash") {
        record(logEntry(req, "dropped"));
        req.raw.socket.destroy();
        return payload;
      }
    }
    record(logEntry(req, reply.statusCode));
    return payload;
  });

  const terminalOfReq = (req: FastifyRequest) => requestTerminal.get(req)!;
  const pathTerminal = (req: FastifyRequest, reply: FastifyReply, id: string) => {
    if (id !== terminalOfReq(req)) {
      problem(reply, 403, "PLATFORM_UNAUTHORIZED", "token does not belong to this terminal");
      return false;
    }
    return true;
  };

  // ---- T1 ------------------------------------------------------------------------------------
  app.get("/v1/time", async () => ({ serverTime: now() }));

  // ---- E1 / E1b ------------------------------------------------------------------------------
  app.post<{ Params: { terminalId: string; op: string } }>("/v1/terminals/:terminalId/:op", async (req, reply) => {
    const { terminalId, op } = req.params;
    if (!pathTerminal(req, reply, terminalId)) return reply;
    if (op === "cursor:anchor") return { terminalId, ...anchorTerminal(db, terminalId), serverTime: now() };
    if (op !== "events:batch") return problem(reply, 404, "NOT_FOUND", `unknown operation ${op}`);
    const parsed = eventBatchSchema.safeParse(req.body);
    if (!parsed.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(parsed.error));
    const outcome = ingestBatch(
      { db, empi, hotlist, now, rejectEventIds: faults.get().rejectEventIds },
      terminalId,
      parsed.data,
    );
    const body = { ...outcome, serverTime: now() };
    switch (faults.get().malformedEventsResponse) {
      case "json":
        return reply.type("application/json").send('{"ackedThroughSeq": 1, "results": [');
      case "content-type":
        return reply.type("text/html").send("<html>proxy error</html>");
      case "shape":
        return reply.send({ acked: "all", serverTime: body.serverTime });
      case "oversized":
        return reply.type("application/json").send(`{"pad":"${"x".repeat(5 * 1024 * 1024)}"}`);
      case "unknown-ids":
        return reply.send({
          ...body,
          results: [
            ...body.results,
            { eventId: "01890000-0000-7000-8000-000000000000", status: "rejected", code: "X", message: "unknown" },
          ],
        });
      case "ack-beyond":
        return reply.send({ ...body, ackedThroughSeq: body.ackedThroughSeq + 1_000_000 });
      default:
        return body;
    }
  });
  app.get<{ Params: { terminalId: string } }>("/v1/terminals/:terminalId/cursor", async (req, reply) => {
    if (!pathTerminal(req, reply, req.params.terminalId)) return reply;
    return { terminalId: req.params.terminalId, ...terminalCursor(db, req.params.terminalId), serverTime: now() };
  });

  // ---- I1 / I2 / I3 --------------------------------------------------------------------------
  const fhir = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).type("application/fhir+json").send(body);
  const outcome = (code: string, text: string) => ({
    resourceType: "OperationOutcome",
    issue: [{ severity: "error", code, diagnostics: text }],
  });
  const knownSystems = new Set<string>([OID.idNo, OID.cardNo, OID.empi]);

  app.get<{ Querystring: Record<string, string | string[]> }>("/fhir/Patient/$ihe-pix", async (req, reply) => {
    const src = req.query.sourceIdentifier;
    if (typeof src !== "string" || !src.includes("|"))
      return fhir(reply, 400, outcome("required", "exactly one sourceIdentifier=system|value"));
    const [system, value] = [src.slice(0, src.indexOf("|")), src.slice(src.indexOf("|") + 1)];
    if (!knownSystems.has(system))
      return fhir(reply, 400, outcome("code-invalid", "sourceIdentifier Assigning Authority not found"));
    const targets = ([] as string[]).concat(req.query.targetSystem ?? []);
    if (targets.some((t) => !knownSystems.has(t)))
      return fhir(reply, 403, outcome("code-invalid", "targetSystem not found"));
    const empiId = system === OID.empi ? (empi.patient(value) ? value : undefined) : empi.resolve(system, value);
    if (!empiId) return fhir(reply, 404, outcome("not-found", "sourceIdentifier Patient Identifier not found"));
    const ids = [{ system: OID.empi, value: empiId }, ...empi.identifiers(empiId)].filter(
      (i) => !(i.system === system && i.value === value) && (targets.length === 0 || targets.includes(i.system)),
    );
    return fhir(reply, 200, {
      resourceType: "Parameters",
      parameter: [
        ...ids.map((i) => ({ name: "targetIdentifier", valueIdentifier: i })),
        { name: "targetId", valueReference: { reference: `Patient/${empiId}` } },
      ],
    });
  });

  app.get<{ Querystring: Record<string, string | string[]> }>("/fhir/Patient", async (req, reply) => {
    const identifiers = ([] as string[]).concat(req.query.identifier ?? []).map((t) => {
      const i = t.indexOf("|");
      return { system: t.slice(0, i), value: t.slice(i + 1) };
    });
    if (identifiers.some((i) => !knownSystems.has(i.system)))
      return fhir(reply, 404, outcome("not-found", "identifier domain not found"));
    const one = (k: string) => (typeof req.query[k] === "string" ? (req.query[k] as string) : undefined);
    const patients = empi.search({
      identifiers,
      ...(one("family") ? { family: one("family")! } : {}),
      ...(one("birthdate") ? { birthDate: one("birthdate")! } : {}),
      ...(one("gender") ? { gender: one("gender")! } : {}),
      ...(one("_id") ? { id: one("_id")! } : {}),
    });
    return fhir(reply, 200, {
      resourceType: "Bundle",
      type: "searchset",
      total: patients.length,
      entry: patients.map((p) => ({ fullUrl: `Patient/${p.id}`, resource: p })),
    });
  });

  app.get<{ Params: { id: string } }>("/fhir/Patient/:id", async (req, reply) => {
    const p = empi.patient(req.params.id);
    return p ? fhir(reply, 200, p) : fhir(reply, 404, outcome("not-found", "Patient not found"));
  });

  // ---- S1–S6 ---------------------------------------------------------------------------------
  const SETTLE_OP = /^(.+):(presettle|settle|reverse|cancel)$/;
  const send = (reply: FastifyReply, r: { status: number; body: Record<string, unknown> }) =>
    reply
      .code(r.status)
      .type(r.status >= 400 ? "application/problem+json" : "application/json")
      .send(r.body);

  app.post<{ Params: { serialOp: string } }>("/v1/settlements/:serialOp", async (req, reply) => {
    const m = SETTLE_OP.exec(req.params.serialOp);
    if (!m) return problem(reply, 404, "NOT_FOUND", "expected {txnSerial}:presettle|settle|reverse|cancel");
    const [, txn, op] = m as unknown as [string, string, string];
    const terminalId = terminalOfReq(req);
    if (op === "presettle") {
      const input = settlementInputSchema.safeParse(req.body);
      if (!input.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(input.error));
      return send(reply, settlement.presettle(txn, input.data));
    }
    if (op === "settle") {
      const input = settleRequestSchema.safeParse(req.body);
      if (!input.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(input.error));
      const { quoteId: _q, reversalPrepared: _r, ...core } = input.data;
      const key = req.headers["idempotency-key"];
      const claimed = settlement.claim(txn, typeof key === "string" ? key : undefined, core, terminalId);
      if (claimed !== "claimed") return send(reply, claimed);
      const delay = faults.get().settleDelayMs;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      return send(reply, settlement.decide(txn, core));
    }
    if (op === "reverse") {
      const input = reverseRequestSchema.safeParse(req.body);
      if (!input.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(input.error));
      return send(reply, settlement.reverse(txn, terminalId));
    }
    const input = cancelRequestSchema.safeParse(req.body);
    if (!input.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(input.error));
    const key = req.headers["idempotency-key"];
    return send(reply, settlement.cancel(txn, typeof key === "string" ? key : undefined, input.data));
  });

  app.get<{ Params: { serialOp: string } }>("/v1/settlements/:serialOp", async (req, reply) =>
    send(reply, settlement.status(req.params.serialOp)),
  );

  app.post<{ Params: { orgId: string; date: string } }>("/v1/reconciliation/:orgId/:date", async (req, reply) => {
    const input = reconRequestSchema.safeParse(req.body);
    if (!input.success || !/^\d{4}-\d{2}-\d{2}$/.test(req.params.date)) {
      return problem(reply, 400, "INVALID_INPUT", input.success ? "date must be YYYY-MM-DD" : zodDetail(input.error));
    }
    return send(reply, settlement.reconcile(req.params.orgId, req.params.date, input.data));
  });

  // ---- D1 / D2 / D3 --------------------------------------------------------------------------
  app.get<{ Querystring: { since?: string; limit?: string } }>("/v1/blacklist/changes", async (req, reply) => {
    const q = z
      .object({
        since: z.coerce.number().int().nonnegative().default(0),
        limit: z.coerce.number().int().min(1).max(5000).default(5000),
      })
      .safeParse(req.query);
    if (!q.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(q.error));
    const page = hotlist.changes(q.data.since, q.data.limit, faults.get().hotlistBadSignature);
    if (page === "must-refetch")
      return problem(
        reply,
        410,
        "HOTLIST_MUST_REFETCH",
        "must-refetch: since is older than the retained history; load the snapshot",
      );
    return { ...page, serverTime: now() };
  });

  app.get("/v1/blacklist/snapshot", async (req, reply) => {
    const snap = hotlist.snapshot(faults.get().hotlistBadSignature);
    const etag = `"hl-${snap.asOfSeq}"`;
    if (req.headers["if-none-match"] === etag) return reply.code(304).header("etag", etag).send();
    const body = Buffer.from(JSON.stringify(snap));
    // Range (RFC 9110 §14): honoured only while If-Range still names this snapshot, else the whole body.
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    const ifRange = req.headers["if-range"];
    let start = 0;
    let end = body.length - 1;
    if (range && (ifRange === undefined || ifRange === etag)) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start > end) {
        return problem(
          reply.header("content-range", `bytes */${body.length}`),
          416,
          "INVALID_INPUT",
          "range not satisfiable",
        );
      }
    }
    const partial = start > 0 || end < body.length - 1;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "content-length": String(end - start + 1),
      "accept-ranges": "bytes",
      etag,
      ...(partial ? { "content-range": `bytes ${start}-${end}/${body.length}` } : {}),
    };
    if (faults.get().snapshotTruncate) {
      // Half of what this answer carries goes out, then the connection drops.
      reply.hijack();
      reply.raw.writeHead(partial ? 206 : 200, headers);
      reply.raw.write(body.subarray(start, start + Math.floor((end - start + 1) / 2)));
      setTimeout(() => reply.raw.destroy(), 10);
      record(logEntry(req, "dropped"));
      return reply;
    }
    return reply
      .code(partial ? 206 : 200)
      .headers(headers)
      .send(body.subarray(start, end + 1));
  });

  for (const delta of [false, true]) {
    app.get<{ Params: { issuerKeyId: string } }>(`/v1/crl/:issuerKeyId${delta ? "/delta" : ""}`, async (req, reply) => {
      const der = options.crlDir ? await readCrlFile(options.crlDir, req.params.issuerKeyId, delta) : undefined;
      if (!der) return problem(reply, 404, "NOT_FOUND", `no ${delta ? "delta " : ""}CRL for ${req.params.issuerKeyId}`);
      return reply.type("application/pkix-crl").send(der);
    });
  }

  // ---- admin / inspection --------------------------------------------------------------------
  app.get("/_admin/faults", async () => faults.get());
  app.put("/_admin/faults", async (req, reply) => {
    const patch = faultsSchema.partial().safeParse(req.body);
    if (!patch.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(patch.error));
    return faults.set(patch.data);
  });
  app.delete("/_admin/faults", async () => faults.reset());
  app.post("/_admin/crash", async () => {
    setImmediate(crash);
    return { crashing: true };
  });
  app.get("/_admin/requests", async () => ({ requests: log }));

  app.get<{ Querystring: { terminalId?: string; limit?: string } }>("/_admin/events", async (req) => {
    const terminalId = req.query.terminalId ?? null;
    const limit = Math.min(Number(req.query.limit ?? 10_000) || 10_000, 1_000_000);
    const terminals = db
      .prepare(
        `SELECT t.terminal_id AS terminalId, t.acked_through_seq AS ackedThroughSeq, t.highest_seq AS highestSeq,
                count(e.event_id) AS events, COALESCE(sum(e.receive_count), 0) AS receipts, COALESCE(sum(e.apply_count), 0) AS applied
         FROM terminals t LEFT JOIN events e ON e.terminal_id = t.terminal_id
         WHERE @t IS NULL OR t.terminal_id = @t GROUP BY t.terminal_id ORDER BY t.terminal_id`,
      )
      .all({ t: terminalId });
    const events = db
      .prepare(
        `SELECT event_id AS eventId, terminal_id AS terminalId, seq, type, status, code, message, occurred_at AS occurredAt,
                received_at AS receivedAt, receive_count AS receiveCount, apply_count AS applyCount, flags
         FROM events WHERE @t IS NULL OR terminal_id = @t ORDER BY terminal_id, seq LIMIT @limit`,
      )
      .all({ t: terminalId, limit });
    const conflicts = db
      .prepare(
        "SELECT event_id AS eventId, terminal_id AS terminalId, seq, reason FROM event_conflicts WHERE @t IS NULL OR terminal_id = @t",
      )
      .all({ t: terminalId });
    const batches = db
      .prepare(
        "SELECT batch_id AS batchId, terminal_id AS terminalId, receive_count AS receiveCount, events, sent_at AS sentAt, skew_ms AS skewMs FROM batches WHERE @t IS NULL OR terminal_id = @t",
      )
      .all({ t: terminalId });
    return { terminals, events, conflicts, batches, serverTime: now() };
  });

  app.get("/_admin/hotlist", async () => ({
    entries: hotlist.current(),
    listVersion: hotlist.maxSeq(),
    minRetainedSeq: hotlist.minRetainedSeq(),
    serverTime: now(),
  }));
  app.post("/_admin/hotlist", async (req, reply) => {
    const entry = hotlistEntrySchema
      .omit({ effectiveAt: true })
      .extend({ effectiveAt: z.string().optional() })
      .safeParse(req.body);
    if (!entry.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(entry.error));
    const seq = db.transaction(() => hotlist.change(entry.data, "admin", now()))();
    return { seq, listVersion: hotlist.maxSeq() };
  });
  app.delete<{ Params: { cardKey: string } }>("/_admin/hotlist/:cardKey", async (req) => {
    const seq = db.transaction(() =>
      hotlist.change({ cardKey: req.params.cardKey, status: "unblocked", reason: "admin removal" }, "admin", now()),
    )();
    return { seq, listVersion: hotlist.maxSeq() };
  });
  app.post("/_admin/hotlist/compact", async (req, reply) => {
    const body = z.object({ throughSeq: z.number().int().nonnegative() }).safeParse(req.body);
    if (!body.success) return problem(reply, 400, "INVALID_INPUT", zodDetail(body.error));
    hotlist.compact(body.data.throughSeq);
    return { minRetainedSeq: hotlist.minRetainedSeq() };
  });
  app.get("/_admin/settlements", async () => ({ ...settlement.view(), serverTime: now() }));
  app.get("/_admin/residents", async () => ({ residents }));
  app.post("/_admin/crl", async (req, reply) => {
    const body = z
      .object({
        issuerKeyId: z.string().regex(/^[0-9a-fA-F]{2,64}$/),
        crlNumber: z.number().int().positive(),
        baseCrlNumber: z.number().int().positive().optional(),
        revokedSerials: z.array(z.string().regex(/^[0-9a-fA-F]{2,40}$/)).default([]),
        validDays: z.number().positive().default(7),
      })
      .safeParse(req.body);
    if (!body.success || !options.crlDir)
      return problem(
        reply,
        400,
        "INVALID_INPUT",
        body.success ? "sandbox started without crlDir" : zodDetail(body.error),
      );
    const t = new Date(nowMs());
    const der = await buildDemoCrl({
      ...body.data,
      thisUpdate: t,
      nextUpdate: new Date(t.getTime() + body.data.validDays * 86400_000),
    });
    await writeFile(
      join(options.crlDir, `${body.data.issuerKeyId.toLowerCase()}${body.data.baseCrlNumber ? ".delta" : ""}.crl`),
      der,
    );
    return { bytes: der.length };
  });

  app.get("/openapi.json", async () => openApiDocument());

  await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `${options.tls ? "https" : "http"}://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    faults,
    db,
    signing,
    residents,
    empi,
    hotlist,
    settlement,
    requests: () => [...log],
    async close() {
      await app.close();
      db.close();
    },
  };
}
