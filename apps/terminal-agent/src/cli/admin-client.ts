import { request } from "node:http";
import { RhcError } from "@rhc/errors";

/** Talks to the agent's admin API over its unix socket (what the CLI's operator commands use). */
export class AdminClient {
  constructor(readonly socketPath: string) {}

  async call<T = unknown>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", (error) =>
        reject(
          new RhcError("AGENT_UNAVAILABLE", {
            detail: `admin socket ${this.socketPath}: ${error.message}`,
            cause: error,
          }),
        ),
      );
      req.end(payload);
    });
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch (error) {
      throw new RhcError("INTERNAL", { detail: `admin API answered ${status} with non-JSON`, cause: error });
    }
    if (status >= 400)
      throw RhcError.fromProblem(json) ?? new RhcError("INTERNAL", { detail: `admin API answered ${status}` });
    return json as T;
  }
}
