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
    subscribe(listener) {
      const source = new EventSource("/api/events");
      source.onmessage = (message) => parseEvent(JSON.parse(String(message.data)), listener);
      return () => source.close();
    },
  };
}

export const api: IssuerApi = window.issuer ? bridgeApi(window.issuer) : httpApi();
