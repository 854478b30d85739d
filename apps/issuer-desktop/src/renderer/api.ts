import {
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type Envelope,
  type IssuerApi,
  IssuerApiError,
  type IssuerEvent,
  IssuerEventSchema,
} from "../shared/channels.js";

/** What the Electron preload exposes on `window.issuer` (contextBridge). */
export interface IssuerBridge {
  invoke(channel: string, input: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: unknown) => void): () => void;
}

declare global {
  interface Window {
    issuer?: IssuerBridge;
  }
}

function unwrap<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new IssuerApiError(envelope.problem);
  return envelope.value as T;
}

function parseEvent(raw: unknown, listener: (event: IssuerEvent) => void): void {
  const parsed = IssuerEventSchema.safeParse(raw);
  if (parsed.success) listener(parsed.data);
}

/** Parses a `text/event-stream` body: one `data:` line per event, events end with a blank line. */
async function readEvents(body: ReadableStream<Uint8Array>, listener: (event: IssuerEvent) => void) {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const data = buffer
        .slice(0, end)
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      buffer = buffer.slice(end + 2);
      if (data) parseEvent(JSON.parse(data), listener);
      end = buffer.indexOf("\n\n");
    }
  }
}

/** Electron: the preload bridge (IPC). */
function bridgeApi(bridge: IssuerBridge): IssuerApi {
  return {
    invoke: async <C extends ChannelName>(channel: C, input: ChannelInput<C>) =>
      unwrap<ChannelOutput<C>>(await bridge.invoke(channel, input)),
    subscribe: (listener) => bridge.subscribe((raw) => parseEvent(raw, listener)),
  };
}

/** Web mode: the same channels over HTTP on loopback; the session token stays in memory only. */
function httpApi(): IssuerApi {
  let token: string | undefined;
  return {
    async invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`/api/${channel}`, { method: "POST", headers, body: JSON.stringify(input) });
      const value = unwrap<ChannelOutput<C>>((await res.json()) as Envelope<unknown>);
      if (channel === "session.login") token = (value as ChannelOutput<"session.login">).token;
      if (channel === "session.logout") token = undefined;
      return value;
    },
    // Server-sent events read with fetch (EventSource cannot send the session token); reconnects
    // after a drop until unsubscribed.
    subscribe(listener) {
      const stop = new AbortController();
      const listen = async () => {
        while (!stop.signal.aborted) {
          try {
            const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
            const res = await fetch("/api/events", { headers, signal: stop.signal });
            if (res.ok && res.body) await readEvents(res.body, listener);
          } catch {
            // dropped or aborted: retry below unless unsubscribed
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      void listen();
      return () => stop.abort();
    },
  };
}

export const api: IssuerApi = window.issuer ? bridgeApi(window.issuer) : httpApi();
