import { RhcError } from "@rhc/errors";
import WebSocket from "ws";

/** What the agent's events WebSocket sends (see apps/terminal-agent/README.md). */
export interface AgentEvent {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/**
 * A minimal HIS-side client of the terminal agent, as an integrator would write it: pair once,
 * then bearer-token calls; errors arrive as problem+json and become RhcError again.
 */
export class HisClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Pairing: ask, let the desk operator approve the code, collect the token once. */
  static async pair(
    baseUrl: string,
    clientName: string,
    scopes: string[],
    approve: (code: string) => void,
  ): Promise<{ client: HisClient; code: string }> {
    const asked = await request(baseUrl, "POST", "/v1/pairing", undefined, { clientName, scopes });
    const { requestId, code } = asked as { requestId: string; code: string };
    approve(code);
    const collected = (await request(baseUrl, "GET", `/v1/pairing/${requestId}`)) as { state: string; token?: string };
    if (collected.state !== "approved" || !collected.token) throw new Error(`pairing ended ${collected.state}`);
    return { client: new HisClient(baseUrl, collected.token), code };
  }

  get<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
    return request(this.baseUrl, "GET", path, { authorization: `Bearer ${this.token}`, ...headers }) as Promise<T>;
  }

  post<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    return request(
      this.baseUrl,
      "POST",
      path,
      { authorization: `Bearer ${this.token}`, ...headers },
      body,
    ) as Promise<T>;
  }

  /** Opens the events stream; resolves once the agent's hello arrived. */
  async events(onEvent: (e: AgentEvent) => void): Promise<WebSocket> {
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, "ws")}/v1/events`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("error", reject);
      ws.on("message", (raw) => {
        const event = JSON.parse(String(raw)) as AgentEvent;
        if (event.type === "hello") resolve();
        else onEvent(event);
      });
    });
    return ws;
  }
}

async function request(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw RhcError.fromProblem(json) ?? new Error(`${method} ${path}: HTTP ${res.status}`);
  return json;
}
