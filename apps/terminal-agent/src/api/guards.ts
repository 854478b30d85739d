import { RhcError } from "@rhc/errors";

/**
 * DNS-rebinding and cross-site defences of the loopback API.
 *
 * Host: a rebinding attack reaches 127.0.0.1 under the attacker's name, so the Host header must
 * be a loopback name with our port. Origin: browsers send it on cross-origin requests and on
 * every WebSocket upgrade (which CORS does not protect); only configured HIS origins pass.
 * Requests without Origin come from non-browser clients, which need a token anyway.
 */
export class OriginPolicy {
  private hosts = new Set<string>();
  private readonly origins: Set<string>;

  constructor(port: number, allowedOrigins: readonly string[]) {
    this.origins = new Set(allowedOrigins);
    this.setPort(port);
  }

  /** The real port once bound (the configuration may say 0 = any free port). */
  setPort(port: number): void {
    this.hosts = new Set(["127.0.0.1", "localhost", "[::1]"].map((h) => `${h}:${port}`));
  }

  checkHost(host: string | undefined): void {
    if (!host || !this.hosts.has(host.toLowerCase())) {
      throw new RhcError("ORIGIN_REJECTED", { detail: `Host "${host ?? ""}" is not a loopback name of this agent` });
    }
  }

  /** Returns the origin to echo in CORS headers, if any. */
  checkOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (!this.origins.has(origin))
      throw new RhcError("ORIGIN_REJECTED", { detail: `Origin "${origin}" is not allowed` });
    return origin;
  }
}

export const CORS_ALLOW_HEADERS = "authorization, content-type, idempotency-key, x-clinician-session";
export const CORS_ALLOW_METHODS = "GET, POST, DELETE";
