import { z } from "zod";
import { EVENT_TYPE_NAMES, EVENT_TYPES, type EventPayload, type EventType } from "./event-types.js";

export const monoSchema = z.object({ bootId: z.string().min(1).max(64), uptimeMs: z.number().int().nonnegative() });
export const aggregateSchema = z.object({
  kind: z.string().min(1).max(32),
  id: z.string().min(1).max(64),
});
export const subjectSchema = z.object({
  cardNo: z.string().max(32).optional(),
  idNo: z.string().max(18).optional(),
  empiId: z.string().max(64).optional(),
});
export const actorSchema = z.object({
  kind: z.enum(["clinician", "operator", "system"]),
  id: z.string().min(1).max(64),
  name: z.string().max(60).optional(),
});
export const listVersionsSchema = z.object({
  hotlist: z.number().int().nonnegative().optional(),
  crl: z.record(z.string(), z.string()).optional(),
});

/** What a caller gives to `outbox.append`. The store adds eventId, seq, mono and the payload hash. */
export const eventInputSchema = z.object({
  type: z.enum(EVENT_TYPE_NAMES as [EventType, ...EventType[]]),
  /** Device wall clock; defaults to the store clock. Stored as given, never rewritten. */
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  aggregate: aggregateSchema,
  subject: subjectSchema.default({}),
  actor: actorSchema,
  listVersions: listVersionsSchema.optional(),
  payload: z.unknown(),
});

export type EventInput<T extends EventType = EventType> = {
  type: T;
  occurredAt?: string;
  aggregate: z.infer<typeof aggregateSchema>;
  subject?: z.infer<typeof subjectSchema>;
  actor: z.infer<typeof actorSchema>;
  listVersions?: z.infer<typeof listVersionsSchema>;
  payload: EventPayload<T>;
};

/** One event on the wire (E1) and in the outbox. */
export const wireEventSchema = z.object({
  eventId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "UUIDv7"),
  seq: z.number().int().positive(),
  type: z.string().min(1).max(40),
  occurredAt: z.string().min(1).max(40),
  mono: monoSchema,
  aggregate: aggregateSchema,
  subject: subjectSchema,
  actor: actorSchema,
  listVersions: listVersionsSchema,
  payload: z.unknown(),
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type WireEvent = z.infer<typeof wireEventSchema>;

/** Validates a payload against the type table; returns the issues as one line for error details. */
export function validatePayload(
  type: string,
  payload: unknown,
): { ok: true; payload: unknown } | { ok: false; reason: string } {
  if (!Object.hasOwn(EVENT_TYPES, type)) return { ok: false, reason: `unknown event type ${type}` };
  const parsed = EVENT_TYPES[type as EventType].payload.safeParse(payload);
  if (parsed.success) return { ok: true, payload: parsed.data };
  return {
    ok: false,
    reason: parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; "),
  };
}
