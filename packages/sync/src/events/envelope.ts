import { z } from "zod";
import { canonicalObjectJson } from "../util/canonical-json.js";
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
  return { ok: false, reason: issueLine(parsed.error.issues, "payload") };
}

function issueLine(issues: readonly z.core.$ZodIssue[], root: string): string {
  return issues.map((i) => `${i.path.join(".") || root}: ${i.message}`).join("; ");
}

/** An event input after validation: the envelope fields and the payload of its type. */
export type ParsedEventInput = Omit<z.infer<typeof eventInputSchema>, "payload"> & {
  payload: Record<string, unknown>;
};

interface TypeCodec {
  schema: z.ZodType<ParsedEventInput>;
  payloadJson: (payload: Record<string, unknown>) => string;
}

/**
 * Per type: the input schema with that type's payload schema in place of `z.unknown()` (one zod pass
 * validates envelope and payload, instead of two parses and two result objects), and the canonical
 * serialiser of the validated payload. Built once at load: append is the hot path.
 */
const CODECS = new Map<string, TypeCodec>(
  EVENT_TYPE_NAMES.map((type) => {
    const payload = EVENT_TYPES[type].payload;
    const schema = eventInputSchema.extend({ type: z.literal(type), payload }) as z.ZodType<ParsedEventInput>;
    return [type, { schema, payloadJson: canonicalObjectJson(Object.keys(payload.shape)) }];
  }),
);

/**
 * Validates one `outbox.append` input (envelope and payload, one pass) and returns it with the canonical
 * JSON text of its payload. An unknown type is reported by the generic schema's enum check.
 */
export function parseEventInput(
  input: unknown,
): { ok: true; data: ParsedEventInput; payloadJson: string } | { ok: false; reason: string } {
  const type = (input as { type?: unknown } | null | undefined)?.type;
  const codec = typeof type === "string" ? CODECS.get(type) : undefined;
  if (!codec) {
    // Not one of the types: the generic schema names every problem (its enum rejects the type).
    const generic = eventInputSchema.safeParse(input);
    return {
      ok: false,
      reason: generic.success ? "type: unknown event type" : issueLine(generic.error.issues, "event"),
    };
  }
  const parsed = codec.schema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: issueLine(parsed.error.issues, "event") };
  return { ok: true, data: parsed.data, payloadJson: codec.payloadJson(parsed.data.payload) };
}
