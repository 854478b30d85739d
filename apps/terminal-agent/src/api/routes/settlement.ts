import { RhcError } from "@rhc/errors";
import { presettleResponseSchema, type SettlementService, setlInfoSchema, settlementInputSchema } from "@rhc/sync";
import { z } from "zod";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";

const txnParams = z.object({
  txnSerial: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,40}$/, "msgid format: institution 12 + yyyyMMddHHmmss + 4-digit counter, ≤ 40 characters"),
});

const recordSchema = z.object({
  txnSerial: z.string(),
  state: z.enum(["PENDING", "UNKNOWN", "SETTLED", "FAILED", "REVERSED", "CANCELLED"]),
  setlId: z.string().nullable(),
  setlinfo: setlInfoSchema.nullable(),
  reversalState: z.enum(["prepared", "disarmed", "requested", "done"]),
  lastError: z.string().nullable(),
  settledDate: z.string().nullable(),
});

type Record_ = Awaited<ReturnType<SettlementService["settle"]>>;
const view = (r: Record_): z.infer<typeof recordSchema> => ({
  txnSerial: r.txnSerial,
  state: r.state,
  setlId: r.setlId,
  setlinfo: r.setlinfo,
  reversalState: r.reversalState,
  lastError: r.lastError,
  settledDate: r.settledDate,
});

/** Runs a settlement action and audits its outcome (ok, or failed with the error code). */
async function audited<T>(
  ctx: AgentContext,
  action: "settlement.settle" | "settlement.reverse",
  actor: string,
  txnSerial: string,
  data: Record<string, unknown>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    ctx.audit.record({ action, actor, outcome: "ok", subject: txnSerial, data });
    return result;
  } catch (error) {
    const code = error instanceof RhcError ? error.code : "INTERNAL";
    ctx.audit.record({ action, actor, outcome: "failed", subject: txnSerial, data: { ...data, code } });
    throw error;
  }
}

/**
 * Insurance settlement (S1–S4) through the sync package's state machine: the intent and its
 * reversal are committed before anything is sent; a timeout is SETTLEMENT_UNKNOWN, never "failed".
 */
export function settlementRoutes(ctx: AgentContext): ApiRoute[] {
  const service = (): SettlementService => {
    if (!ctx.sync.settlement) throw new RhcError("PLATFORM_UNREACHABLE", { detail: "no platform configured" });
    return ctx.sync.settlement;
  };
  return [
    route({
      method: "POST",
      path: "/v1/settlements/{txnSerial}/presettle",
      operationId: "presettle",
      summary: "Quote (no financial effect; safe to repeat)",
      tag: "settlement",
      auth: "settle",
      errors: ["PLATFORM_UNREACHABLE", "PLATFORM_ERROR", "SETTLEMENT_REFUSED"],
      params: txnParams,
      body: settlementInputSchema,
      response: presettleResponseSchema,
      handler: ({ params, body }) => service().presettle(params.txnSerial, body),
    }),
    route({
      method: "POST",
      path: "/v1/settlements/{txnSerial}/settle",
      operationId: "settle",
      summary: "Settle once per txnSerial; SETTLEMENT_UNKNOWN means: do not settle again, query or reverse",
      tag: "settlement",
      auth: "settle",
      errors: ["SETTLEMENT_UNKNOWN", "SETTLEMENT_REFUSED", "CONFLICT", "PLATFORM_UNREACHABLE"],
      params: txnParams,
      body: settlementInputSchema.extend({ quoteId: z.string().optional() }),
      response: recordSchema,
      handler: async ({ params, body, client }) =>
        view(
          await audited(
            ctx,
            "settlement.settle",
            `client:${client!.clientId}`,
            params.txnSerial,
            { feeTotal: body.feeTotal },
            () => service().settle(params.txnSerial, body),
          ),
        ),
    }),
    route({
      method: "GET",
      path: "/v1/settlements/{txnSerial}",
      operationId: "getSettlement",
      summary: "Local state; with refresh=true an UNKNOWN outcome is resolved with the platform",
      tag: "settlement",
      auth: "settle",
      errors: ["NOT_FOUND", "PLATFORM_UNREACHABLE"],
      params: txnParams,
      query: z.object({ refresh: z.enum(["true", "false"]).default("false") }),
      response: recordSchema,
      async handler({ params, query }) {
        const s = service();
        const local = s.get(params.txnSerial);
        if (!local) throw new RhcError("NOT_FOUND", { detail: `settlement ${params.txnSerial}` });
        const open = local.state === "PENDING" || local.state === "UNKNOWN";
        return view(query.refresh === "true" && open ? await s.resolve(params.txnSerial) : local);
      },
    }),
    route({
      method: "POST",
      path: "/v1/settlements/{txnSerial}/reverse",
      operationId: "reverseSettlement",
      summary: "Reverse (冲正): idempotent; the request is committed first and retried until it lands",
      tag: "settlement",
      auth: "settle",
      errors: ["NOT_FOUND", "CONFLICT", "PLATFORM_UNREACHABLE"],
      params: txnParams,
      body: z.object({ reason: z.string().trim().min(1).max(200) }),
      response: recordSchema,
      handler: async ({ params, body, client }) =>
        view(
          await audited(
            ctx,
            "settlement.reverse",
            `client:${client!.clientId}`,
            params.txnSerial,
            { reason: body.reason },
            () => service().reverse(params.txnSerial, body.reason),
          ),
        ),
    }),
  ];
}
