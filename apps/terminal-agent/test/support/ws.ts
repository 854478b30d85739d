import { expect } from "vitest";
import WebSocket from "ws";
import { AGENT_EVENTS, type AgentEventType, eventFields } from "../../src/events/bus.js";

/** An event's data carries exactly the fields its row of AGENT_EVENTS names (optional ones may be absent). */
export function expectDeclaredData(m: Record<string, unknown>): void {
  const type = m.type as AgentEventType;
  const row: { data: readonly string[] } = AGENT_EVENTS[type];
  const keys = Object.keys(m.data as object);
  expect(eventFields(type), `${type} data ${keys.join(", ")}`).toEqual(expect.arrayContaining(keys));
  expect(keys, `${type} data`).toEqual(expect.arrayContaining([...row.data]));
}

export interface EventStream {
  socket: WebSocket;
  /** Resolves with the first received message (including already buffered ones) that matches. */
  next(predicate: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens the events WebSocket; rejects with the HTTP status when the upgrade is refused. */
export function openEvents(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, "ws"), { headers });
    const messages: Record<string, unknown>[] = [];
    const waiters: Array<{
      predicate: (m: Record<string, unknown>) => boolean;
      resolve: (m: Record<string, unknown>) => void;
    }> = [];
    socket.on("message", (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      messages.push(m);
      for (const w of [...waiters]) {
        if (w.predicate(m)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      socket.on("close", (code, reason) => r({ code, reason: String(reason) })),
    );
    socket.on("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${res.statusCode}`), {
            status: res.statusCode,
            body: JSON.parse(Buffer.concat(chunks).toString() || "null"),
          }),
        ),
      );
    });
    socket.on("error", (e) => reject(e));
    socket.on("open", () =>
      resolve({
        socket,
        messages,
        closed,
        next(predicate, timeoutMs = 10_000) {
          const found = messages.find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise((res, rej) => {
            const timer = setTimeout(
              () => rej(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)),
              timeoutMs,
            );
            waiters.push({
              predicate,
              resolve: (m) => {
                clearTimeout(timer);
                res(m);
              },
            });
          });
        },
      }),
    );
  });
}
