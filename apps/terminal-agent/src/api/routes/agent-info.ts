import { z } from "zod";
import { scopeListSchema } from "../../auth/scopes.js";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";

const problemRef = z.object({ code: z.string(), detail: z.string().optional() });

export const deskReaderSchema = z.object({
  name: z.string(),
  role: z.enum(["resident", "sam", "staff"]).nullable(),
  present: z.boolean(),
  atr: z.string().nullable(),
  kind: z
    .enum(["resident", "sam", "staff", "unknown"])
    .nullable()
    .describe("what the card is, from its ATR or a probe"),
  virtual: z.boolean(),
  refused: z.boolean().describe("virtual reader refused by configuration (readers.allowVirtual=false)"),
  mute: z.boolean().describe("a card is present but does not answer"),
});

const readersSchema = z.object({
  pcsc: z.enum(["starting", "up", "down"]),
  error: problemRef.nullable(),
  readers: z.array(deskReaderSchema),
  missingRoles: z.array(z.enum(["resident", "sam", "staff"])),
});

export const statusSchema = z.object({
  terminalId: z.string(),
  version: z.string(),
  uptimeSeconds: z.number(),
  pcsc: z.enum(["starting", "up", "down"]),
  roles: z.record(
    z.string(),
    z.object({ reader: z.string().nullable(), cardPresent: z.boolean(), usable: z.boolean() }),
  ),
});

/** The status at a glance, shared by GET /v1/status and `rhc-agent status`. */
export function agentStatus(ctx: AgentContext): z.infer<typeof statusSchema> {
  const s = ctx.readers.snapshot();
  const roles: Record<string, { reader: string | null; cardPresent: boolean; usable: boolean }> = {};
  for (const role of Object.keys(ctx.config.readers.roles)) {
    const r = s.readers.find((x) => x.role === role);
    roles[role] = {
      reader: r?.name ?? null,
      cardPresent: r?.present ?? false,
      usable: !!r && !r.refused && s.pcsc === "up",
    };
  }
  return {
    terminalId: ctx.config.terminalId,
    version: ctx.version,
    uptimeSeconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
    pcsc: s.pcsc,
    roles,
  };
}

function readerView(ctx: AgentContext) {
  const s = ctx.readers.snapshot();
  return {
    pcsc: s.pcsc,
    error: s.error ? { code: s.error.code, ...(s.error.detail ? { detail: s.error.detail } : {}) } : null,
    readers: s.readers.map((r) => ({ ...r, role: r.role ?? null, atr: r.atr ?? null, kind: r.kind ?? null })),
    missingRoles: s.missingRoles,
  };
}

/** Status, readers, the caller's identity and diagnostics. */
export function agentInfoRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "GET",
      path: "/v1/status",
      operationId: "getStatus",
      summary: "Agent status at a glance (cheap; safe to poll)",
      tag: "status",
      auth: "read-basic",
      response: statusSchema,
      handler: () => agentStatus(ctx),
    }),
    route({
      method: "GET",
      path: "/v1/readers",
      operationId: "listReaders",
      summary: "Readers with their roles, cards and ATRs",
      tag: "status",
      auth: "read-basic",
      response: readersSchema,
      handler: () => readerView(ctx),
    }),
    route({
      method: "GET",
      path: "/v1/me",
      operationId: "whoAmI",
      summary: "The paired client this token belongs to",
      tag: "pairing",
      auth: "client",
      response: z.object({ clientId: z.string(), name: z.string(), scopes: scopeListSchema }),
      handler: ({ client }) => ({ clientId: client!.clientId, name: client!.name, scopes: client!.scopes }),
    }),
    route({
      method: "GET",
      path: "/v1/diagnostics",
      operationId: "getDiagnostics",
      summary: "Diagnostics report for hospital IT (same as `rhc-agent diagnose`)",
      tag: "diagnostics",
      auth: "read-basic",
      response: z.object({
        generatedAt: z.string(),
        sections: z.record(
          z.string(),
          z.object({
            ok: z.boolean(),
            data: z.record(z.string(), z.unknown()).optional(),
            error: problemRef.optional(),
          }),
        ),
      }),
      handler: () => ctx.diagnostics.report(),
    }),
  ];
}

export { readersSchema, readerView };
