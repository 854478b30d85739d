import { type ErrorCode, RhcError } from "@rhc/errors";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { ClientIdentity } from "../auth/authenticator.js";
import type { Scope } from "../auth/scopes.js";

export type HttpMethod = "GET" | "POST" | "DELETE";
export type RouteAuth = Scope | "client" | "none";

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The paired client; undefined only on routes with `auth: "none"`. */
  client: ClientIdentity | undefined;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** What the server and the OpenAPI generator know about a route: one source for both. */
export interface ApiRoute {
  method: HttpMethod;
  /** OpenAPI path template, e.g. "/v1/pairing/{requestId}". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Scope the client token must carry; "client" = any paired client; "none" = pairing bootstrap, API document, admin socket. */
  auth: RouteAuth;
  /** Needs a clinician session (staff card login) as well. Documented; enforced by the service. */
  clinician?: boolean;
  status: number;
  /** Error codes this operation documents beyond the ones every operation can return. */
  errors: readonly ErrorCode[];
  schemas: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; response: z.ZodType };
  run(
    raw: { params: unknown; query: unknown; body: unknown },
    ctx: RunContext,
    validateResponse: boolean,
  ): Promise<unknown>;
}

export type RunContext = Omit<HandlerContext<unknown, unknown, unknown>, "params" | "query" | "body">;

interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: RouteAuth;
  clinician?: boolean;
  status?: number;
  errors?: readonly ErrorCode[];
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  handler(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>> | z.input<R>;
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RhcError("INVALID_INPUT", {
    detail: `${where}: ${result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    data: { issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}

/** Declares a route; its zod schemas validate requests and generate the OpenAPI document. */
export function route<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(def: RouteDefinition<P, Q, B, R>): ApiRoute {
  const schemas: ApiRoute["schemas"] = { response: def.response };
  if (def.params) schemas.params = def.params;
  if (def.query) schemas.query = def.query;
  if (def.body) schemas.body = def.body;
  return {
    method: def.method,
    path: def.path,
    operationId: def.operationId,
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    tag: def.tag,
    auth: def.auth,
    ...(def.clinician ? { clinician: true } : {}),
    status: def.status ?? 200,
    errors: def.errors ?? [],
    schemas,
    async run(raw, ctx, validateResponse) {
      const result = await def.handler({
        ...ctx,
        params: parse(def.params, raw.params, "path") as z.output<P>,
        query: parse(def.query, raw.query, "query") as z.output<Q>,
        body: parse(def.body, raw.body ?? {}, "body") as z.output<B>,
      });
      if (validateResponse) {
        const check = def.response.safeParse(result);
        if (!check.success) {
          throw new RhcError("INTERNAL", {
            detail: `response of ${def.operationId} does not match its schema: ${check.error.message}`,
          });
        }
      }
      return result;
    },
  };
}
