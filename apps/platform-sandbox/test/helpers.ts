import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { canonicalJson, type EventType, sha256Hex, systemClock, systemRandom, uuidv7 } from "@rhc/sync";
import { type Sandbox, startSandbox } from "../src/index.js";

export const ADMIN = "admin-token-for-tests";
export const TERMINALS = { T1: "token-terminal-1", T2: "token-terminal-2" };

export async function sandbox(options: { crlDir?: string } = {}): Promise<{ sb: Sandbox; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "rhc-sandbox-"));
  const sb = await startSandbox({
    port: 0,
    dbPath: join(dir, "p.db"),
    adminToken: ADMIN,
    terminals: TERMINALS,
    ...options,
  });
  return {
    sb,
    async close() {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function wireEvent(
  seq: number,
  over: { eventId?: string; payload?: Record<string, unknown>; type?: EventType | string } = {},
) {
  const payload = over.payload ?? { cardNo: "HC11010100000001", purpose: "visit", genuine: true, hotlist: "clear" };
  return {
    eventId: over.eventId ?? uuidv7(systemClock, systemRandom),
    seq,
    type: over.type ?? "card.read",
    occurredAt: new Date().toISOString(),
    mono: { bootId: "b", uptimeMs: seq },
    aggregate: { kind: "card", id: "HC11010100000001" },
    subject: { cardNo: "HC11010100000001" },
    actor: { kind: "operator", id: "op" },
    listVersions: {},
    payload,
    payloadSha256: sha256Hex(canonicalJson(payload)),
  };
}

export async function call(
  sb: Sandbox,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; gzip?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== "") headers.authorization = `Bearer ${options.token ?? TERMINALS.T1}`;
  let body: Uint8Array | string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    const text = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (options.gzip) {
      headers["content-encoding"] = "gzip";
      body = gzipSync(text);
    } else body = text;
  }
  const res = await fetch(sb.url + path, {
    method,
    headers,
    ...(body !== undefined ? { body: body as BodyInit } : {}),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export const batch = (events: unknown[], batchId = `b-${Math.random()}`) => ({
  batchId,
  sentAt: new Date().toISOString(),
  events,
});
