import { RhcError } from "@rhc/errors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import type { ClientIdentity } from "../auth/authenticator.js";
import { hasScope } from "../auth/scopes.js";
import { AGENT_EVENT_TYPES, type AgentEvent, type AgentEventData } from "../events/bus.js";
import type { AgentContext } from "./context.js";
import { type ApiRoute, route } from "./route.js";
import { readerView } from "./routes/agent-info.js";
import { authorize } from "./server.js";

const HEARTBEAT_MS = 30_000;

/** Ticket endpoint: browsers cannot put a bearer token on a WebSocket, so they trade it for a ticket. */
export function eventTicketRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "POST",
      path: "/v1/events/tickets",
      operationId: "issueEventsTicket",
      summary: "One-time ticket (30 s) for opening the events WebSocket from a browser",
      tag: "events",
      auth: "read-basic",
      status: 201,
      response: z.object({ ticket: z.string(), expiresAt: z.string() }),
      handler: ({ client }) => ctx.auth.issueTicket(client!),
    }),
  ];
}

/** OpenAPI has no WebSocket operations; the upgrade is documented as a GET with the message schema. */
export const eventsPathDoc = {
  "/v1/events": {
    get: {
      operationId: "openEvents",
      summary: "Card and reader events over WebSocket",
      tags: ["events"],
      description:
        "Upgrade to WebSocket. Authenticate with `Authorization: Bearer <token>` or `?ticket=` from " +
        "POST /v1/events/tickets (scope read-basic). Each message is one JSON AgentEvent. Types: " +
        Object.entries(AGENT_EVENT_TYPES)
          .map(([k, v]) => `\`${k}\` ${v}`)
          .join("; "),
      security: [{ bearer: [] }, {}],
      "x-rhc-scope": "read-basic",
      parameters: [{ name: "ticket", in: "query", required: false, schema: { type: "string" } }],
      responses: {
        "101": {
          description: "Switching protocols; then AgentEvent messages",
          content: { "application/json": { schema: { $ref: "#/components/schemas/AgentEvent" } } },
        },
        "401": {
          description: "UNAUTHORIZED",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
        "403": {
          description: "FORBIDDEN, ORIGIN_REJECTED",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    },
  },
};

export interface EventSockets {
  closeAll(): void;
}

export function registerEventsSocket(app: FastifyInstance, ctx: AgentContext): EventSockets {
  const sockets = new Set<WebSocket>();
  app.get(
    "/v1/events",
    {
      websocket: true,
      preValidation: async (request: FastifyRequest) => {
        const ticket = (request.query as { ticket?: unknown }).ticket;
        let client: ClientIdentity | undefined;
        if (typeof ticket === "string") {
          client = ctx.auth.redeemTicket(ticket);
          ctx.limits.client.take(client.clientId);
          if (!hasScope(client.scopes, "read-basic"))
            throw new RhcError("FORBIDDEN", { detail: 'needs scope "read-basic"' });
          request.rhcClient = client;
        } else {
          authorize(ctx, "read-basic", request);
        }
      },
    },
    (socket, request) => {
      const client = request.rhcClient!;
      sockets.add(socket);
      const send = (event: AgentEvent) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      };
      const hello: AgentEventData<"hello"> = { clientId: client.clientId, ...readerView(ctx) };
      send({ seq: 0, type: "hello", at: new Date().toISOString(), data: hello });
      const unsubscribe = ctx.bus.subscribe(send);
      let alive = true;
      socket.on("pong", () => {
        alive = true;
      });
      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      socket.on("close", () => {
        clearInterval(heartbeat);
        unsubscribe();
        sockets.delete(socket);
      });
      // The stream is server → client only; anything sent to us is ignored.
      socket.on("message", () => undefined);
    },
  );
  return {
    closeAll() {
      for (const s of sockets) s.close(1001, "agent shutting down");
    },
  };
}
