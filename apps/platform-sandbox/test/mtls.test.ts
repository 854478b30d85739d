import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.js";
import { ADMIN, TERMINALS } from "./helpers.js";

const tls = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url));
let sb: Sandbox;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rhc-mtls-"));
  sb = await startSandbox({
    port: 0,
    dbPath: join(dir, "p.db"),
    adminToken: ADMIN,
    terminals: TERMINALS,
    tls: { key: tls("server.key"), cert: tls("server.crt"), clientCa: tls("ca.crt") },
  });
});
afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, client?: "T1" | "T2", token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${sb.url}${path}`,
      {
        ca: tls("ca.crt"),
        ...(client ? { cert: tls(`terminal-${client}.crt`), key: tls(`terminal-${client}.key`) } : {}),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("optional mutual TLS", () => {
  it("identifies the terminal by its client certificate (CN = terminalId)", async () => {
    expect(sb.url.startsWith("https://")).toBe(true);
    expect(await get("/v1/time", "T1")).toBe(200);
    expect(await get("/v1/terminals/T1/cursor", "T1")).toBe(200);
    expect(await get("/v1/terminals/T1/cursor", "T2")).toBe(403);
  });
  it("refuses a request without a certificate, or with a token of another terminal", async () => {
    expect(await get("/v1/time")).toBe(401);
    expect(await get("/v1/time", undefined, TERMINALS.T1)).toBe(401);
    expect(await get("/v1/time", "T1", TERMINALS.T2)).toBe(401);
    expect(await get("/v1/time", "T1", TERMINALS.T1)).toBe(200);
  });
});
