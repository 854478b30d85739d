import { RhcError } from "@rhc/errors";
import { z } from "zod";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";

const lastError = z.object({ code: z.string(), detail: z.string(), at: z.number() }).nullable();

export const syncStatusSchema = z.object({
  platformConfigured: z.boolean(),
  terminalId: z.string(),
  queueDepth: z.number().int().describe("events committed here, not yet acknowledged by the platform"),
  oldestPendingAgeMs: z.number().nullable(),
  lastSeq: z.number().int(),
  ackedThroughSeq: z.number().int(),
  lastAttemptAt: z.number().nullable(),
  lastSuccessAt: z.number().nullable(),
  lastError: lastError.describe("last failed event delivery"),
  lastDownlinkError: lastError.describe("last failed hotlist/CRL/time refresh (null once one succeeds)"),
  deadLetters: z.number().int().describe("events the platform rejected permanently (see diagnostics)"),
  listVersions: z.object({
    hotlist: z.number().nullable(),
    hotlistAgeMs: z.number().nullable(),
    crl: z.record(z.string(), z.string()),
  }),
  clock: z.record(z.string(), z.unknown()).nullable().describe("estimated offset to the platform clock"),
  alerts: z.array(z.record(z.string(), z.unknown())),
});

export function syncStatus(ctx: AgentContext): z.infer<typeof syncStatusSchema> {
  const { walBytes: _wal, ...status } = ctx.sync.store.status();
  return {
    platformConfigured: ctx.sync.client !== undefined,
    ...status,
    clock: status.clock as Record<string, unknown> | null,
    alerts: status.alerts as unknown as Record<string, unknown>[],
  };
}

/** Sync status for the desk ("are my events out?") and a "sync now" button. */
export function syncRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "GET",
      path: "/v1/sync/status",
      operationId: "getSyncStatus",
      summary: "Outbox depth, oldest pending event, last delivery, list versions and ages, clock offset",
      tag: "sync",
      auth: "read-basic",
      response: syncStatusSchema,
      handler: () => syncStatus(ctx),
    }),
    route({
      method: "POST",
      path: "/v1/sync/refresh",
      operationId: "refreshSync",
      summary: "Send pending events and refresh the hotlist and CRLs now",
      tag: "sync",
      auth: "read-basic",
      errors: ["PLATFORM_UNREACHABLE", "PLATFORM_ERROR"],
      response: syncStatusSchema,
      async handler() {
        const delivery = ctx.sync.delivery;
        if (!delivery) throw new RhcError("PLATFORM_UNREACHABLE", { detail: "no platform configured" });
        delivery.networkUp();
        await delivery.refreshDownlinks();
        return syncStatus(ctx);
      },
    }),
  ];
}
