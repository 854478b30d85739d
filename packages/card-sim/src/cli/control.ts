import { mkdirSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { z } from "zod";

/** Control sockets of running `insert` processes: <stack dir>/cards/<port>.sock, JSON lines. */
export const controlDir = (stackDir: string) => join(stackDir, "cards");
export const controlSocket = (stackDir: string, port: number) => join(controlDir(stackDir), `${port}.sock`);

export const controlRequest = z.discriminatedUnion("cmd", [
  z.object({ cmd: z.literal("status") }),
  z.object({ cmd: z.literal("remove") }),
  z.object({ cmd: z.literal("faults"), plan: z.unknown() }),
]);
export type ControlRequest = z.infer<typeof controlRequest>;
export type ControlReply = { ok: true; result?: unknown } | { ok: false; error: string };

export function serveControl(
  stackDir: string,
  port: number,
  handle: (request: ControlRequest) => Promise<unknown>,
): net.Server {
  mkdirSync(controlDir(stackDir), { recursive: true });
  const path = controlSocket(stackDir, port);
  rmSync(path, { force: true });
  const server = net.createServer((socket) => {
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      const line = buffer.slice(0, end);
      let reply: Promise<ControlReply>;
      try {
        const request = controlRequest.parse(JSON.parse(line));
        reply = handle(request).then(
          (result) => ({ ok: true, result }),
          (error: unknown) => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
        );
      } catch (error) {
        reply = Promise.resolve({ ok: false, error: `bad control request: ${String(error)}` });
      }
      void reply.then((r) => socket.end(`${JSON.stringify(r)}\n`));
    });
    socket.on("error", () => socket.destroy());
  });
  server.listen(path);
  return server;
}

export function sendControl(stackDir: string, port: number, request: ControlRequest): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(controlSocket(stackDir, port));
    let buffer = "";
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
    });
    socket.on("end", () => {
      try {
        resolve(JSON.parse(buffer) as ControlReply);
      } catch {
        reject(new Error(`no reply from the card on port ${port}`));
      }
    });
    socket.on("error", (error) =>
      reject(new Error(`no card inserted by rhc-card-sim on port ${port} (${error.message})`)),
    );
  });
}

/** Ports with a control socket (a running `insert`). */
export function controlledPorts(stackDir: string): number[] {
  try {
    return readdirSync(controlDir(stackDir))
      .filter((f) => f.endsWith(".sock"))
      .map((f) => Number(f.slice(0, -5)))
      .filter(Number.isInteger);
  } catch {
    return [];
  }
}
