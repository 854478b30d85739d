import { ERROR_CODES, type ErrorCode } from "@rhc/errors";
import { z } from "zod";
import { SCOPES } from "../auth/scopes.js";
import type { ApiRoute } from "./route.js";

type Json = Record<string, unknown>;

export const problemSchema = z
  .object({
    type: z.string().describe("urn:rhc:error:<code>"),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    retriable: z.boolean().describe("whether retrying (possibly after the operator acts) can succeed"),
    detail: z.string().optional(),
    sw: z.string().optional().describe("card status word, hex"),
    message: z.object({ zh: z.string(), en: z.string() }).describe("what the desk operator should do"),
    data: z.record(z.string(), z.unknown()).optional(),
    instance: z.string().optional(),
  })
  .meta({ id: "Problem" });

/** Errors any authenticated operation can return. */
const COMMON_ERRORS: readonly ErrorCode[] = [
  "INVALID_INPUT",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "ORIGIN_REJECTED",
  "RATE_LIMITED",
  "SHUTTING_DOWN",
  "INTERNAL",
];

/** zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1), with named schemas moved to components. */
function jsonSchema(schema: z.ZodType, io: "input" | "output", components: Json): Json {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  const defs = out.$defs as Record<string, Json> | undefined;
  delete out.$defs;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const o: Json = {};
    for (const [k, v] of Object.entries(node)) {
      o[k] = k === "$ref" && typeof v === "string" ? v.replace("#/$defs/", "#/components/schemas/") : rewrite(v);
    }
    return o;
  };
  for (const [name, def] of Object.entries(defs ?? {})) components[name] = rewrite(def);
  const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
  if (id) {
    const { id: _drop, ...rest } = rewrite(out) as Json;
    components[id] = rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rewrite(out) as Json;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query", components: Json): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, "input", components);
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: p,
    ...(typeof p.description === "string" ? { description: p.description } : {}),
  }));
}

export interface OpenApiInfo {
  version: string;
  /** Extra top-level paths not served by ordinary routes (the events WebSocket). */
  extraPaths?: Record<string, Json>;
  /** Named schemas those extra paths refer to (each with a zod `.meta({ id })`). */
  extraSchemas?: readonly z.ZodType[];
}

/** Builds the OpenAPI 3.1 document from the same route table (and zod schemas) the server runs. */
export function buildOpenApi(routes: readonly ApiRoute[], info: OpenApiInfo): Json {
  const components: Json = {};
  const paths: Record<string, Json> = { ...(info.extraPaths ?? {}) };
  const problemRef = jsonSchema(problemSchema, "output", components);
  for (const schema of info.extraSchemas ?? []) jsonSchema(schema, "output", components);
  for (const r of routes) {
    const errors = r.auth === "none" ? r.errors : [...new Set([...COMMON_ERRORS, ...r.errors])];
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of errors) {
      const status = ERROR_CODES[code].http;
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
    const responses: Json = {
      [String(r.status)]: {
        description: "OK",
        content: { "application/json": { schema: jsonSchema(r.schemas.response, "output", components) } },
      },
    };
    for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
      responses[String(status)] = {
        description: codes.join(", "),
        content: { "application/problem+json": { schema: problemRef } },
      };
    }
    const operation: Json = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      ...(r.description ? { description: r.description } : {}),
      parameters: [
        ...parameters(r.schemas.params, "path", components),
        ...parameters(r.schemas.query, "query", components),
      ],
      responses,
      ...(r.auth === "none" ? { security: [] } : { security: [{ bearer: [] }], "x-rhc-scope": r.auth }),
      ...(r.clinician ? { "x-rhc-clinician-session": true } : {}),
    };
    if (r.schemas.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: jsonSchema(r.schemas.body, "input", components) } },
      };
    }
    paths[r.path] = { ...(paths[r.path] ?? {}), [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "rhc-agent local API",
      version: info.version,
      description:
        "Loopback API of the Resident Health Card terminal agent for the HIS. Pair first (POST /v1/pairing, " +
        "operator approves with `rhc-agent pair approve <code>`), then send `Authorization: Bearer <token>`. " +
        "Errors are application/problem+json with a stable `code` and zh-CN/en operator text.",
    },
    servers: [{ url: "http://127.0.0.1:17380" }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: `Client token from pairing. Scopes: ${Object.entries(SCOPES)
            .map(([k, v]) => `${k} (${v})`)
            .join("; ")}`,
        },
      },
    },
  };
}
