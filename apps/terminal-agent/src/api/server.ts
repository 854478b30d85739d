import websocket from "@fastify/websocket";
import { RhcError } from "@rhc/errors";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { ClientIdentity } from "../auth/authenticator.js";
import { hasScope } from "../auth/scopes.js";
import type { Logger } from "../log/logger.js";
import type { AgentContext } from "./context.js";
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, type OriginPolicy } from "./guards.js";
import { sendProblem } from "./problem.js";
import type { ApiRoute } from "./route.js";

declare module "fastify" {
  interface FastifyRequest {
    rhcClient?: ClientIdentity;
  }
}

export interface ServerOptions {
  routes: readonly ApiRoute[];
  validateResponses: boolean;
  /** Set once shutdown begins: new requests get 503 SHUTTING_DOWN while in-flight ones finish. */
  isClosing: () => boolean;
}

/** OpenAPI "{name}" templates → fastify ":name". */
export function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ":$1");
}

function baseServer(log: Logger, bodyLimit: number): FastifyInstance {
  const app = Fastify({
    loggerInstance: log,
    bodyLimit,
    // The agent is never behind a proxy: X-Forwarded-* headers are ignored.
    trustProxy: false,
    forceCloseConnections: "idle",
    return503OnClosing: false,
    // Per-request lines go out at debug level from our onResponse hook (client id, no query string).
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  app.addHook("onResponse", async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        path: request.url.split("?")[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        clientId: request.rhcClient?.clientId,
      },
      "request done",
    );
  });
  return app;
}

/** Bearer token → client identity, scope check, per-client rate limit. */
export function authorize(
  ctx: AgentContext,
  routeAuth: ApiRoute["auth"],
  request: FastifyRequest,
): ClientIdentity | undefined {
  if (routeAuth === "none") return undefined;
  let client: ClientIdentity;
  try {
    client = ctx.auth.fromAuthorization(request.headers.authorization);
  } catch (error) {
    ctx.rejections.record({
      action: "auth.rejected",
      actor: "unknown",
      outcome: "denied",
      data: { path: request.url.split("?")[0] },
    });
    throw error;
  }
  ctx.limits.client.take(client.clientId);
  if (routeAuth !== "client" && !hasScope(client.scopes, routeAuth)) {
    throw new RhcError("FORBIDDEN", {
      detail: `this operation needs scope "${routeAuth}"`,
      data: { needed: routeAuth },
    });
  }
  request.rhcClient = client;
  return client;
}

/** The public loopback API: Host/Origin checks, CORS for configured HIS origins, problem+json. */
export async function buildApiServer(
  ctx: AgentContext,
  policy: OriginPolicy,
  options: ServerOptions,
): Promise<FastifyInstance> {
  const app = baseServer(ctx.log, 4 * 1024 * 1024);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    policy.checkHost(request.headers.host);
    const origin = policy.checkOrigin(request.headers.origin);
    if (origin) {
      reply.header("access-control-allow-origin", origin);
      reply.header("vary", "Origin");
    }
    if (request.method === "OPTIONS") {
      // CORS preflight, including Chrome's Private Network Access request from an intranet HIS page.
      reply.header("access-control-allow-headers", CORS_ALLOW_HEADERS);
      reply.header("access-control-allow-methods", CORS_ALLOW_METHODS);
      reply.header("access-control-max-age", "600");
      if (request.headers["access-control-request-private-network"] === "true") {
        reply.header("access-control-allow-private-network", "true");
      }
      return reply.code(204).send();
    }
    if (options.isClosing()) throw new RhcError("SHUTTING_DOWN");
    return undefined;
  });

  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new RhcError("NOT_FOUND", { detail: `${request.method} ${request.url.split("?")[0]}` }),
    ),
  );
  registerRoutes(app, ctx, options);
  return app;
}

export function registerRoutes(
  app: FastifyInstance,
  ctx: AgentContext,
  options: Omit<ServerOptions, "isClosing">,
): void {
  for (const r of options.routes) {
    app.route({
      method: r.method,
      url: fastifyPath(r.path),
      handler: async (request, reply) => {
        const client = authorize(ctx, r.auth, request);
        const result = await r.run(
          { params: request.params, query: request.query, body: request.body },
          { client, request, reply },
          options.validateResponses,
        );
        if (reply.sent) return reply;
        return reply.code(r.status).send(result);
      },
    });
  }
}

/** The local admin API on a unix socket (mode 0600): operator actions such as approving a pairing. */
export async function buildAdminServer(ctx: AgentContext, options: ServerOptions): Promise<FastifyInstance> {
  const app = baseServer(ctx.log, 64 * 1024);
  app.addHook("onRequest", async () => {
    if (options.isClosing()) throw new RhcError("SHUTTING_DOWN");
  });
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new RhcError("NOT_FOUND", { detail: `${request.method} ${request.url}` })),
  );
  registerRoutes(app, ctx, options);
  return app;
}
