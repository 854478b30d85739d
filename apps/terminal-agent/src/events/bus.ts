import { EventEmitter } from "node:events";
import { z } from "zod";

/** Event types pushed to HIS clients over the events WebSocket. */
export const AGENT_EVENT_TYPES = {
  hello: "first message on every connection (seq 0): the client id and the current readers",
  "reader.added": "a reader appeared (data: reader, role)",
  "reader.removed": "a reader disappeared (data: reader, role)",
  "card.inserted": "a card was inserted (data: reader, role, atr, kind: resident|sam|staff|unknown)",
  "card.mute": "a card is in the reader but does not answer (data: reader, role)",
  "card.removed": "a card was removed (data: reader, role)",
  "pcsc.down": "the smart-card service stopped; the agent retries by itself (data: code)",
  "pcsc.up": "the smart-card service is back",
  "card.read": "a card read completed (data: role, cardNoMasked, sections)",
  "card.written": "a clinician wrote to the card (data: cardNoMasked, recordType, staffId)",
  "clinician.login": "a clinician session started (data: subject, expiresAt)",
  "clinician.logout": "a clinician session ended (data: subject, reason)",
} as const;
export type AgentEventType = keyof typeof AGENT_EVENT_TYPES;

export const agentEventSchema = z
  .object({
    seq: z.number().int().nonnegative().describe("per-agent-run sequence; a gap means the client missed events"),
    type: z.enum(Object.keys(AGENT_EVENT_TYPES) as [AgentEventType, ...AgentEventType[]]),
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

  publish(type: AgentEventType, data: Record<string, unknown> = {}): AgentEvent {
    const event: AgentEvent = { seq: ++this.seq, type, at: this.clock().toISOString(), data };
    this.emitter.emit("event", event);
    return event;
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
