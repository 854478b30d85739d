import {
  cancelRequestSchema,
  cancelResponseSchema,
  eventBatchResponseSchema,
  eventBatchSchema,
  hotlistChangesSchema,
  hotlistSnapshotSchema,
  pdqBundleSchema,
  pixParametersSchema,
  presettleResponseSchema,
  reconRequestSchema,
  reconResponseSchema,
  reverseRequestSchema,
  reverseResponseSchema,
  settlementInputSchema,
  settlementStatusSchema,
  settleRequestSchema,
  settleResponseSchema,
  terminalCursorSchema,
  timeResponseSchema,
  wireEventSchema,
} from "@rhc/sync";
import { z } from "zod";
import { faultsSchema } from "./faults.js";

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string, type = "application/json") => ({ content: { [type]: { schema: ref(name) } } });
const problem = {
  description: "Problem details (RFC 9457) with an RhcError code",
  content: { "application/problem+json": { schema: ref("Problem") } },
};
const op = (summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  summary,
  responses,
  ...extra,
});
const param = (name: string, where: "path" | "query" | "header", required = true, description?: string) => ({
  name,
  in: where,
  required,
  schema: { type: "string" },
  ...(description ? { description } : {}),
});

/** OpenAPI 3.1 description of the sandbox (the proposed platform contract, §7). Schemas come from the zod wire types. */
export function openApiDocument(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {
    EventBatch: {
      ...schema(eventBatchSchema),
      properties: {
        ...(schema(eventBatchSchema) as { properties: object }).properties,
        events: { type: "array", maxItems: 500, items: ref("Event") },
      },
    },
    Event: schema(wireEventSchema),
    EventBatchResponse: schema(eventBatchResponseSchema),
    TerminalCursor: schema(terminalCursorSchema),
    Time: schema(timeResponseSchema),
    PixParameters: schema(pixParametersSchema),
    PatientBundle: schema(pdqBundleSchema),
    SettlementInput: schema(settlementInputSchema),
    SettleRequest: schema(settleRequestSchema),
    PresettleResponse: schema(presettleResponseSchema),
    SettleResponse: schema(settleResponseSchema),
    SettlementStatus: schema(settlementStatusSchema),
    ReverseRequest: schema(reverseRequestSchema),
    ReverseResponse: schema(reverseResponseSchema),
    CancelRequest: schema(cancelRequestSchema),
    CancelResponse: schema(cancelResponseSchema),
    ReconRequest: schema(reconRequestSchema),
    ReconResponse: schema(reconResponseSchema),
    HotlistChanges: schema(hotlistChangesSchema),
    HotlistSnapshot: schema(hotlistSnapshotSchema),
    Faults: schema(faultsSchema),
    Problem: {
      type: "object",
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        code: { type: "string" },
        detail: { type: "string" },
      },
    },
  };
  const txn = param("txnSerialOp", "path", true, "`{txnSerial}:{operation}`");
  return {
    openapi: "3.1.0",
    info: {
      title: "RHC platform sandbox (regional health platform reference)",
      version: "0.1.0",
      description:
        "Reference implementation of the proposed platform contract: event ingest (E1), identity (I1–I3, IHE PIXm/PDQm), settlement (S1–S6), lost-card list and CRLs (D1–D3), time (T1). Every JSON answer carries serverTime. Amounts are integer fen.",
    },
    servers: [{ url: "http://127.0.0.1:8080" }],
    security: [{ terminalToken: [] }],
    components: {
      securitySchemes: {
        terminalToken: { type: "http", scheme: "bearer", description: "Per-terminal token" },
        adminToken: { type: "http", scheme: "bearer", description: "Sandbox admin token (/_admin)" },
      },
      schemas,
    },
    paths: {
      "/v1/terminals/{terminalId}/events:batch": {
        post: op(
          "E1: deliver a batch (≤ 500 events / 1 MB, Content-Encoding: gzip accepted). Dedupe on eventId and (terminalId, seq); ackedThroughSeq is the contiguous high-water mark.",
          {
            200: { description: "Per-event results", ...json("EventBatchResponse") },
            400: problem,
            401: problem,
            403: problem,
            413: problem,
            429: problem,
            503: problem,
          },
          { parameters: [param("terminalId", "path")], requestBody: { required: true, ...json("EventBatch") } },
        ),
      },
      "/v1/terminals/{terminalId}/cursor": {
        get: op(
          "E1b [P]: the platform's cursor for the terminal",
          { 200: json("TerminalCursor") },
          { parameters: [param("terminalId", "path")] },
        ),
      },
      "/v1/terminals/{terminalId}/cursor:anchor": {
        post: op(
          "E1b [P]: anchor a fresh terminal store above every seq seen; missing older slots are abandoned",
          { 200: json("TerminalCursor") },
          { parameters: [param("terminalId", "path")] },
        ),
      },
      "/v1/time": { get: op("T1: platform time", { 200: json("Time") }) },
      "/fhir/Patient/$ihe-pix": {
        get: op(
          "I1 (ITI-83) PIXm query",
          {
            200: json("PixParameters", "application/fhir+json"),
            400: { description: "Assigning authority not found" },
            403: { description: "targetSystem not found" },
            404: { description: "Identifier not found" },
          },
          {
            parameters: [
              param("sourceIdentifier", "query", true, "system|value"),
              param("targetSystem", "query", false),
            ],
          },
        ),
      },
      "/fhir/Patient": {
        get: op(
          "I2 (ITI-78) PDQm search",
          { 200: json("PatientBundle", "application/fhir+json") },
          { parameters: ["identifier", "family", "birthdate", "gender", "_id"].map((n) => param(n, "query", false)) },
        ),
      },
      "/fhir/Patient/{id}": {
        get: op(
          "Read a Patient by EMPI id",
          { 200: { description: "Patient" }, 404: { description: "not found" } },
          { parameters: [param("id", "path")] },
        ),
      },
      "/v1/settlements/{txnSerialOp}": {
        post: op(
          "S1 `:presettle` (pure) · S2 `:settle` (Idempotency-Key = txnSerial; 409 in progress, 410 tombstoned, 422 key reused) · S4 `:reverse` (idempotent; tombstone for unknown serials) · S5 `:cancel` (Idempotency-Key = cancel serial)",
          {
            200: {
              description: "PresettleResponse | SettleResponse | ReverseResponse | CancelResponse",
              content: {
                "application/json": {
                  schema: {
                    oneOf: [
                      ref("PresettleResponse"),
                      ref("SettleResponse"),
                      ref("ReverseResponse"),
                      ref("CancelResponse"),
                    ],
                  },
                },
              },
            },
            400: problem,
            409: problem,
            410: problem,
            422: problem,
          },
          {
            parameters: [txn, param("Idempotency-Key", "header", false)],
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    oneOf: [ref("SettlementInput"), ref("SettleRequest"), ref("ReverseRequest"), ref("CancelRequest")],
                  },
                },
              },
            },
          },
        ),
        get: op(
          "S3: settlement status (path is the plain txnSerial)",
          { 200: json("SettlementStatus") },
          { parameters: [param("txnSerialOp", "path", true, "txnSerial")] },
        ),
      },
      "/v1/reconciliation/{orgId}/{date}": {
        post: op(
          "S6: reconcile a day's totals (and detail) per (insutype, clrType)",
          { 200: json("ReconResponse") },
          {
            parameters: [param("orgId", "path"), param("date", "path")],
            requestBody: { required: true, ...json("ReconRequest") },
          },
        ),
      },
      "/v1/blacklist/changes": {
        get: op(
          "D1: signed changes since a cursor",
          { 200: json("HotlistChanges"), 410: { description: "must-refetch: load the snapshot" } },
          { parameters: [param("since", "query", false), param("limit", "query", false)] },
        ),
      },
      "/v1/blacklist/snapshot": {
        get: op("D2: signed snapshot (ETag; Range honoured while If-Range names the current ETag)", {
          200: json("HotlistSnapshot"),
          206: { description: "partial content: the bytes from the Range start (Content-Range)" },
          304: { description: "not modified" },
          416: problem,
        }),
      },
      "/v1/crl/{issuerKeyId}": {
        get: op(
          "D3: DER CRL",
          { 200: { content: { "application/pkix-crl": {} } }, 404: problem },
          { parameters: [param("issuerKeyId", "path")] },
        ),
      },
      "/v1/crl/{issuerKeyId}/delta": {
        get: op(
          "D3: delta CRL",
          { 200: { content: { "application/pkix-crl": {} } }, 404: problem },
          { parameters: [param("issuerKeyId", "path")] },
        ),
      },
      "/_admin/faults": {
        get: op("Current fault knobs", { 200: json("Faults") }, { security: [{ adminToken: [] }] }),
        put: op(
          "Merge fault knobs",
          { 200: json("Faults") },
          { security: [{ adminToken: [] }], requestBody: json("Faults") },
        ),
        delete: op("Reset fault knobs", { 200: json("Faults") }, { security: [{ adminToken: [] }] }),
      },
      "/_admin/crash": {
        post: op(
          "Kill the sandbox process (child-process mode)",
          { 200: { description: "crashing" } },
          { security: [{ adminToken: [] }] },
        ),
      },
      "/_admin/events": {
        get: op(
          "Events received, per terminal, with receive and apply counts",
          { 200: { description: "inspection" } },
          {
            security: [{ adminToken: [] }],
            parameters: [param("terminalId", "query", false), param("limit", "query", false)],
          },
        ),
      },
      "/_admin/requests": {
        get: op("Recent requests with their fate", { 200: { description: "log" } }, { security: [{ adminToken: [] }] }),
      },
      "/_admin/hotlist": {
        get: op("Hotlist state", { 200: { description: "entries" } }, { security: [{ adminToken: [] }] }),
        post: op("Add a hotlist change", { 200: { description: "seq" } }, { security: [{ adminToken: [] }] }),
      },
      "/_admin/hotlist/{cardKey}": {
        delete: op(
          "Unblock a card",
          { 200: { description: "seq" } },
          { security: [{ adminToken: [] }], parameters: [param("cardKey", "path")] },
        ),
      },
      "/_admin/hotlist/compact": {
        post: op(
          "Drop change history (forces must-refetch for old cursors)",
          { 200: { description: "ok" } },
          { security: [{ adminToken: [] }] },
        ),
      },
      "/_admin/settlements": {
        get: op("Settlement ledger", { 200: { description: "ledger" } }, { security: [{ adminToken: [] }] }),
      },
      "/_admin/residents": {
        get: op("Seeded demo residents", { 200: { description: "residents" } }, { security: [{ adminToken: [] }] }),
      },
      "/_admin/crl": {
        post: op("Issue a demo CRL into crlDir", { 200: { description: "bytes" } }, { security: [{ adminToken: [] }] }),
      },
    },
  };
}
