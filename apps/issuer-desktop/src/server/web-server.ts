import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { RhcError } from "@rhc/errors";
import type { IssuerApp } from "../app/create-issuer-app.js";
import { isLoopbackHost } from "../issuance/config.js";

const MIME: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Largest request body: a photo as base64 plus room (the channel schemas bound each field). */
const MAX_BODY = 24 * 1024 * 1024;

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = "application/json; charset=utf-8") {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy":
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src blob: data:; object-src blob: data:",
  });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RhcError("INVALID_INPUT", { detail: "request body too large" });
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new RhcError("INVALID_INPUT", { detail: "request body is not JSON", cause: error });
  }
}

/**
 * Web mode: the renderer's files plus the channel table over HTTP on loopback.
 * `POST /api/<channel>` (JSON in, `{ok, value}` or `{ok:false, problem}` out, session token in
 * `Authorization: Bearer`), `GET /api/events` (server-sent events, same token). Host and Origin must be the
 * server itself, so other web pages and DNS-rebinding cannot drive the desk.
 */
export async function startWebServer(app: IssuerApp, rendererDir: string): Promise<WebServer> {
  // The config schema already refuses other hosts; this guards configs built without it.
  if (!isLoopbackHost(app.config.host)) {
    throw new RhcError("CONFIG_INVALID", { detail: `host ${app.config.host}: the web server binds to loopback only` });
  }
  let origin = "";
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const problem = (error instanceof RhcError ? error : new RhcError("INTERNAL", { cause: error })).toProblem();
      if (!res.headersSent) send(res, problem.status, JSON.stringify({ ok: false, problem }));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? "";
    if (`http://${host}` !== origin) throw new RhcError("ORIGIN_REJECTED", { detail: `Host ${host}` });
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      throw new RhcError("ORIGIN_REJECTED", { detail: `Origin ${req.headers.origin}` });
    }
    const url = new URL(req.url ?? "/", origin);
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (url.pathname === "/api/events" && req.method === "GET") {
      // Events name residents and cards: only the logged-in operator's window may listen, and
      // only for as long as that session lasts.
      const session = { token: token ?? "" };
      if (!app.service.authorise(session)) throw new RhcError("OPERATOR_REQUIRED");
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write(": connected\n\n");
      const unsubscribe = app.events.subscribe((event) => {
        if (!app.service.authorise(session)) {
          unsubscribe();
          res.end();
          return;
        }
        res.write(`data: ${JSON.stringify(event)}\n\n`);
      });
      req.on("close", unsubscribe);
      return;
    }
    if (url.pathname.startsWith("/api/")) {
      if (req.method !== "POST") throw new RhcError("INVALID_INPUT", { detail: "use POST" });
      if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
        throw new RhcError("INVALID_INPUT", { detail: "content-type must be application/json" });
      }
      const envelope = await app.service.invoke(url.pathname.slice(5), await readBody(req), token ? { token } : {});
      send(res, envelope.ok ? 200 : envelope.problem.status, JSON.stringify(envelope));
      return;
    }
    serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, "");
    let file = join(rendererDir, relative || "index.html");
    if (!file.startsWith(rendererDir + sep) && file !== rendererDir) throw new RhcError("NOT_FOUND");
    if (!existsSync(file) || relative === "") file = join(rendererDir, "index.html");
    if (!existsSync(file)) {
      throw new RhcError("CONFIG_INVALID", {
        detail: `renderer not built: ${file} (run pnpm --filter @rhc/issuer-desktop build)`,
      });
    }
    send(res, 200, readFileSync(file), MIME[extname(file)] ?? "application/octet-stream");
  }

  const host = app.config.host.replace(/^\[|\]$/g, "");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(app.config.port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  origin = `http://${isIP(host) === 6 ? `[${host}]` : host}:${address.port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
