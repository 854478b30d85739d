import { RhcError } from "@rhc/errors";
import { z } from "zod";
import { scopeListSchema } from "../../auth/scopes.js";
import { CARD_SECTION_NAMES } from "../../services/card-read.js";
import { toJsonValue } from "../../services/json.js";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";
import { agentStatus, statusSchema } from "./agent-info.js";

const pendingSchema = z.object({
  code: z.string(),
  clientName: z.string(),
  scopes: scopeListSchema,
  origin: z.string().optional(),
  state: z.enum(["pending", "approved", "denied"]),
  createdAt: z.string(),
  expiresAt: z.string(),
});
const clientSchema = z.object({
  clientId: z.string(),
  name: z.string(),
  scopes: scopeListSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
});
const codeParams = z.object({ code: z.string().regex(/^\d{6}$/, "a 6-digit pairing code") });

/**
 * Operator actions, served only on the admin unix socket (mode 0600 in the data directory): whoever
 * can open it is the local administrator. `rhc-agent pair …`, `status` and `diagnose` use it.
 */
export function adminRoutes(ctx: AgentContext): ApiRoute[] {
  const operator = "operator";
  return [
    route({
      method: "GET",
      path: "/admin/pairing",
      operationId: "adminListPairing",
      summary: "Pending pairing requests",
      tag: "admin",
      auth: "none",
      response: z.array(pendingSchema),
      handler: () => ctx.pairing.pending().map((p) => ({ ...p, origin: p.origin ?? undefined })),
    }),
    route({
      method: "POST",
      path: "/admin/pairing/{code}/approve",
      operationId: "adminApprovePairing",
      summary: "Approve a pairing request (optionally narrowing its scopes)",
      tag: "admin",
      auth: "none",
      errors: ["NOT_FOUND", "INVALID_INPUT"],
      params: codeParams,
      body: z.object({ scopes: scopeListSchema.optional() }),
      response: clientSchema,
      handler({ params, body }) {
        const c = ctx.pairing.approve(params.code, body.scopes);
        ctx.audit.record({
          action: "pairing.approved",
          actor: operator,
          outcome: "ok",
          subject: `client:${c.clientId}`,
          data: { name: c.name, scopes: c.scopes, code: params.code },
        });
        ctx.log.info({ clientId: c.clientId, name: c.name, scopes: c.scopes }, "client paired");
        return { clientId: c.clientId, name: c.name, scopes: c.scopes, createdAt: c.createdAt, expiresAt: c.expiresAt };
      },
    }),
    route({
      method: "POST",
      path: "/admin/pairing/{code}/deny",
      operationId: "adminDenyPairing",
      summary: "Deny a pairing request",
      tag: "admin",
      auth: "none",
      errors: ["NOT_FOUND"],
      params: codeParams,
      response: pendingSchema,
      handler({ params }) {
        const v = ctx.pairing.deny(params.code);
        ctx.audit.record({
          action: "pairing.denied",
          actor: operator,
          outcome: "ok",
          subject: v.clientName,
          data: { code: v.code },
        });
        return { ...v, origin: v.origin ?? undefined };
      },
    }),
    route({
      method: "GET",
      path: "/admin/clients",
      operationId: "adminListClients",
      summary: "Paired clients",
      tag: "admin",
      auth: "none",
      response: z.array(clientSchema),
      handler: () =>
        ctx.clients.list().map((c) => ({
          clientId: c.clientId,
          name: c.name,
          scopes: c.scopes,
          createdAt: c.createdAt,
          expiresAt: c.expiresAt,
        })),
    }),
    route({
      method: "DELETE",
      path: "/admin/clients/{clientId}",
      operationId: "adminRevokeClient",
      summary: "Revoke a paired client's token",
      tag: "admin",
      auth: "none",
      errors: ["NOT_FOUND"],
      params: z.object({ clientId: z.string().min(1).max(32) }),
      response: z.object({ revoked: z.literal(true) }),
      handler({ params }) {
        if (!ctx.clients.remove(params.clientId)) {
          throw new RhcError("NOT_FOUND", { detail: `no client ${params.clientId}` });
        }
        ctx.audit.record({
          action: "client.revoked",
          actor: operator,
          outcome: "ok",
          subject: `client:${params.clientId}`,
        });
        return { revoked: true as const };
      },
    }),
    route({
      method: "GET",
      path: "/admin/status",
      operationId: "adminStatus",
      summary: "Status at a glance plus pending pairings",
      tag: "admin",
      auth: "none",
      response: statusSchema.extend({ pendingPairings: z.number().int(), pairedClients: z.number().int() }),
      handler: () => ({
        ...agentStatus(ctx),
        pendingPairings: ctx.pairing.pending().length,
        pairedClients: ctx.clients.list().length,
      }),
    }),
    route({
      method: "GET",
      path: "/admin/audit/verify",
      operationId: "adminVerifyAudit",
      summary: "Re-walk the audit hash chain",
      tag: "admin",
      auth: "none",
      response: z.object({ ok: z.boolean(), brokenAt: z.number().optional(), entries: z.number().int() }),
      handler: () => ({ ...ctx.audit.verify(), entries: ctx.audit.recent(1)[0]?.id ?? 0 }),
    }),
    route({
      method: "GET",
      path: "/admin/audit",
      operationId: "adminListAudit",
      summary: "Most recent audit entries",
      tag: "admin",
      auth: "none",
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: z.array(z.record(z.string(), z.unknown())),
      handler: ({ query }) => ctx.audit.recent(query.limit) as unknown as Record<string, unknown>[],
    }),
    route({
      method: "POST",
      path: "/admin/card/read",
      operationId: "adminReadCard",
      summary: "Read the card in the resident reader (rhc-agent card read: IT checks a reader or a card)",
      tag: "admin",
      auth: "none",
      body: z.object({ sections: z.array(z.enum(CARD_SECTION_NAMES)).min(1).default(["identity"]) }),
      response: z.record(z.string(), z.unknown()),
      handler: async ({ body }) =>
        toJsonValue(
          await ctx.cardRead.read([...new Set(body.sections)], "other", ["read-basic", "read-clinical"], {
            kind: "operator",
            id: operator,
          }),
        ) as Record<string, unknown>,
    }),
    route({
      method: "GET",
      path: "/admin/diagnostics",
      operationId: "adminDiagnostics",
      summary: "Diagnostics report",
      tag: "admin",
      auth: "none",
      response: z.record(z.string(), z.unknown()),
      handler: async () => ({ ...(await ctx.diagnostics.report()) }),
    }),
  ];
}
