import { z } from "zod";
import { scopeListSchema } from "../../auth/scopes.js";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";

const pairingState = z.discriminatedUnion("state", [
  z.object({ state: z.literal("pending") }),
  z.object({
    state: z.literal("approved"),
    clientId: z.string(),
    scopes: scopeListSchema,
    token: z.string().describe("shown once: store it like a password"),
    expiresAt: z.string(),
  }),
]);

/** Pairing bootstrap (no token yet): request, then poll until an operator approves. */
export function pairingRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "POST",
      path: "/v1/pairing",
      operationId: "requestPairing",
      summary: "Ask to be paired; show the returned code to the operator",
      description:
        "Creates a pending request. An operator on this computer approves it with `rhc-agent pair approve <code>`. " +
        "Poll GET /v1/pairing/{requestId} to collect the token (once).",
      tag: "pairing",
      auth: "none",
      status: 202,
      errors: ["INVALID_INPUT", "ORIGIN_REJECTED", "RATE_LIMITED"],
      body: z.object({
        clientName: z.string().trim().min(1).max(64).describe("shown to the operator, e.g. 'HIS registration desk 3'"),
        scopes: scopeListSchema,
      }),
      response: z.object({
        requestId: z.string().describe("keep private: it collects the token"),
        code: z.string().regex(/^\d{6}$/),
        state: z.literal("pending"),
        expiresAt: z.string(),
      }),
      handler({ body, request }) {
        ctx.limits.pairing.take("pairing");
        const origin = request.headers.origin;
        const r = ctx.pairing.request({ clientName: body.clientName, scopes: body.scopes, origin });
        ctx.audit.record({
          action: "pairing.requested",
          actor: "anonymous",
          outcome: "ok",
          subject: body.clientName,
          data: { code: r.code, scopes: r.scopes, origin: origin ?? null },
        });
        ctx.log.info(
          { code: r.code, clientName: body.clientName, scopes: r.scopes },
          "pairing requested; waiting for operator approval",
        );
        return {
          requestId: r.requestId,
          code: r.code,
          state: "pending" as const,
          expiresAt: r.expiresAt.toISOString(),
        };
      },
    }),
    route({
      method: "GET",
      path: "/v1/pairing/{requestId}",
      operationId: "collectPairing",
      summary: "Poll a pairing request; returns the token once after approval",
      tag: "pairing",
      auth: "none",
      errors: ["PAIRING_EXPIRED", "ORIGIN_REJECTED"],
      params: z.object({ requestId: z.string().min(10).max(64) }),
      response: pairingState,
      handler({ params }) {
        const result = ctx.pairing.collect(params.requestId);
        if (result.state === "pending") return result;
        return {
          state: "approved" as const,
          clientId: result.client.clientId,
          scopes: result.client.scopes,
          // The one place a client token leaves the agent.
          token: result.token.reveal(),
          expiresAt: result.client.expiresAt,
        };
      },
    }),
  ];
}
