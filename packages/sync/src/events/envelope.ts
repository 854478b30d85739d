import { z } from "zod";
import { canonicalJson } from "../util/canonical-json.js";
import { EVENT_TYPE_NAMES, EVENT_TYPES, type EventPayload, type EventType } from "./event-types.js";
import { compileFastEncode, type FastEncode } from "./fast-encode.js";

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

/**
 * A validated `outbox.append` input as the texts the outbox stores: `members` is the JSON object of the
 * caller's envelope fields (occurredAt when given, aggregate, subject, actor, listVersions — defaults
 * filled, unknown keys dropped), `payloadJson` the canonical JSON of the payload (hashed and stored as is).
 */
export interface EncodedEventInput {
  type: EventType;
  hasOccurredAt: boolean;
  members: string;
  payloadJson: string;
}

/** The envelope fields a caller gives, in the order they are written. */
const membersSchema = eventInputSchema
  .pick({ occurredAt: true, aggregate: true, subject: true, actor: true })
  .extend({ listVersions: listVersionsSchema.default({}) });
const fastMembers = compileFastEncode(membersSchema);

interface TypeCodec {
  /** zod: the input schema with this type's payload in place of `z.unknown()`, one pass for both. */
  schema: z.ZodType<ParsedEventInput>;
  fastPayload: FastEncode;
}

/** Per type, built once at load: append is the hot path. */
const CODECS = new Map<string, TypeCodec>(
  EVENT_TYPE_NAMES.map((type) => {
    const payload = EVENT_TYPES[type].payload;
    const schema = eventInputSchema.extend({ type: z.literal(type), payload }) as z.ZodType<ParsedEventInput>;
    return [type, { schema, fastPayload: compileFastEncode(payload, { sortKeys: true }) }];
  }),
);

/**
 * Validates one `outbox.append` input (envelope and payload) and returns the texts to store. The fast
 * path answers for valid input; zod runs when it is not sure, and words the error.
 */
export function encodeEventInput(
  input: unknown,
): { ok: true; event: EncodedEventInput } | { ok: false; reason: string } {
  const event = encodeEventInputFast(input);
  return event ? { ok: true, event } : encodeEventInputWithZod(input);
}

/** The fast path alone ({@link compileFastEncode}): `undefined` when it is not sure. */
export function encodeEventInputFast(input: unknown): EncodedEventInput | undefined {
  const type = (input as { type?: unknown } | null | undefined)?.type;
  const codec = typeof type === "string" ? CODECS.get(type) : undefined;
  const members = codec && fastMembers(input);
  const payloadJson = members && codec?.fastPayload((input as { payload?: unknown }).payload);
  if (!members || !payloadJson) return undefined;
  const hasOccurredAt = (input as { occurredAt?: unknown }).occurredAt !== undefined;
  return { type: type as EventType, hasOccurredAt, members, payloadJson };
}

/** The zod path alone. An unknown type is reported by the generic schema's enum check. */
export function encodeEventInputWithZod(input: unknown): ReturnType<typeof encodeEventInput> {
  const type = (input as { type?: unknown } | null | undefined)?.type;
  const codec = typeof type === "string" ? CODECS.get(type) : undefined;
  if (!codec) {
    const generic = eventInputSchema.safeParse(input);
    return {
      ok: false,
      reason: generic.success ? "type: unknown event type" : issueLine(generic.error.issues, "event"),
    };
  }
  const parsed = codec.schema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: issueLine(parsed.error.issues, "event") };
  const { occurredAt, aggregate, subject, actor, listVersions, payload } = parsed.data;
  const members = JSON.stringify({ occurredAt, aggregate, subject, actor, listVersions: listVersions ?? {} });
  const hasOccurredAt = occurredAt !== undefined;
  return { ok: true, event: { type: parsed.data.type, hasOccurredAt, members, payloadJson: canonicalJson(payload) } };
}
