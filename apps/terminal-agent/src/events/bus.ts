import { EventEmitter } from "node:events";
import { z } from "zod";

/**
 * Event types pushed to HIS clients over the events WebSocket: what each means and the fields of
 * its `data` (optional ones in `optional`). `publish` is typed from this table, so a payload
 * cannot gain or lose a field without the table (and the docs test that reads it) saying so.
 */
export const AGENT_EVENTS = {
  hello: {
    about: "first message on every connection (seq 0): the client id and the current readers",
    data: ["clientId", "pcsc", "error", "readers", "missingRoles"],
  },
  "reader.added": { about: "a reader appeared", data: ["reader", "role", "virtual"] },
  "reader.removed": { about: "a reader disappeared", data: ["reader", "role"] },
  "card.inserted": {
    about: "a card was inserted (kind: resident|sam|staff|unknown)",
    data: ["reader", "role", "atr", "kind"],
  },
  "card.mute": { about: "a card is in the reader but does not answer", data: ["reader", "role"] },
  "card.removed": { about: "a card was removed", data: ["reader", "role"] },
  "pcsc.down": { about: "the smart-card service stopped; the agent retries by itself", data: ["code"] },
  "pcsc.up": { about: "the smart-card service is back", data: [] },
  "card.read": {
    about: "a card read completed, or was refused (refused: the error code)",
    data: ["reader", "role", "cardNoMasked", "sections"],
    optional: ["refused"],
  },
  "card.written": {
    about: "a clinician wrote to the card (also through the compat facade)",
    data: ["reader", "cardNoMasked", "recordType", "staffId"],
  },
  "clinician.login": { about: "a clinician session started", data: ["staffId", "expiresAt"] },
  "clinician.logout": {
    about: "a clinician session ended (reason: manual|card_removed|timeout)",
    data: ["staffId", "reason"],
  },
} as const satisfies Record<string, { about: string; data: readonly string[]; optional?: readonly string[] }>;
export type AgentEventType = keyof typeof AGENT_EVENTS;

type Fields<T extends AgentEventType, K extends "data" | "optional"> = (typeof AGENT_EVENTS)[T] extends {
  [P in K]: readonly (infer F extends string)[];
}
  ? F
  : never;
/** The `data` of an event type: exactly the fields its row of AGENT_EVENTS names. */
export type AgentEventData<T extends AgentEventType> = { [F in Fields<T, "data">]: unknown } & {
  [F in Fields<T, "optional">]?: unknown;
};

/** All fields an event type's data may carry (required first). */
export function eventFields(type: AgentEventType): string[] {
  const row: { data: readonly string[]; optional?: readonly string[] } = AGENT_EVENTS[type];
  return [...row.data, ...(row.optional ?? [])];
}

/** One line per event type: what it means and its data fields (`?` = optional). */
export const AGENT_EVENT_TYPES = Object.fromEntries(
  (Object.keys(AGENT_EVENTS) as AgentEventType[]).map((type) => {
    const row: { about: string; data: readonly string[]; optional?: readonly string[] } = AGENT_EVENTS[type];
    const fields = [...row.data, ...(row.optional ?? []).map((f) => `${f}?`)];
    return [type, fields.length ? `${row.about} (data: ${fields.join(", ")})` : row.about];
  }),
) as Record<AgentEventType, string>;

export const agentEventSchema = z
  .object({
    seq: z.number().int().nonnegative().describe("per-agent-run sequence; a gap means the client missed events"),
    type: z.enum(Object.keys(AGENT_EVENTS) as [AgentEventType, ...AgentEventType[]]),
    at: z.string().describe("ISO 8601 time"),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "AgentEvent" });
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** In-process fan-out of agent events to WebSocket subscribers. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private seq = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {
    this.emitter.setMaxListeners(0);
  }

  publish<T extends AgentEventType>(type: T, data: AgentEventData<T>): AgentEvent {
    const event: AgentEvent = { seq: ++this.seq, type, at: this.clock().toISOString(), data };
    this.emitter.emit("event", event);
    return event;
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
