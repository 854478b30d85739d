import { RhcError } from "@rhc/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuerAdapters } from "../src/app/create-issuer-app.js";
import { type IssuerServer, RENDERER_DIR, startIssuerServer } from "../src/server/start-issuer-server.js";
import { startWebServer } from "../src/server/web-server.js";
import { testConfig } from "./helpers/desk.js";
import { buildRenderer } from "./helpers/renderer.js";
import { tempDir } from "./helpers/temp-dir.js";

/**
 * The channel table over real HTTP and a real SQLite file. No cards here: the card ports answer as
 * a desk without readers does, which is all the routing and guard checks need.
 */
const noReaders = (): never => {
  throw new RhcError("NO_READER", { detail: "issuer card reader" });
};
const adapters: IssuerAdapters = {
  card: { probe: async () => noReaders(), personalise: async () => noReaders(), verify: async () => noReaders() },
  feeder: { kind: "manual", load: async () => noReaders(), eject: async () => noReaders() },
  login: { login: async () => noReaders() },
  readers: { status: async () => [] },
};

let server: IssuerServer;
const dir = tempDir();
const post = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/${channel}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  await buildRenderer();
  server = await startIssuerServer(testConfig(dir.path), adapters);
});
afterAll(async () => {
  await server.close();
  dir.remove();
});

describe("web-mode server", () => {
  it("serves the renderer and public channels", async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain('<div id="root"></div>');
    const info = await (await post("app.info", {})).json();
    expect(info).toEqual({
      ok: true,
      value: expect.objectContaining({ mode: "web", centre: "郑州市居民健康卡发卡中心" }),
    });
    const fields = await (await post("resident.fields", {})).json();
    expect(fields.value.fields.find((f: { key: string }) => f.key === "name")).toMatchObject({
      zh: "姓名",
      length: 30,
    });
  });

  it("needs an operator session for card, batch and audit channels", async () => {
    for (const channel of ["card.issue", "batch.list", "audit.list", "resident.validate"]) {
      const res = await post(
        channel,
        channel === "card.issue" ? { resident: {} } : channel === "resident.validate" ? { resident: {} } : {},
      );
      expect(res.status).toBe(401);
      expect((await res.json()).problem.code).toBe("OPERATOR_REQUIRED");
    }
    const forged = await post("batch.list", {}, { authorization: "Bearer forged" });
    expect((await forged.json()).problem.code).toBe("OPERATOR_REQUIRED");
  });

  it("answers login failures as typed problems with zh-CN and English text", async () => {
    const res = await post("session.login", { pin: "123456" });
    const body = await res.json();
    expect(res.status).toBe(503);
    expect(body.problem).toMatchObject({ code: "NO_READER", retriable: true });
    expect(body.problem.message.zh).toMatch(/读卡器/);
  });

  it("validates inputs with the channel schemas and rejects unknown channels", async () => {
    const bad = await post("session.login", { pin: "12" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).problem).toMatchObject({ code: "INVALID_INPUT", detail: expect.stringMatching(/^pin:/) });
    const extra = await post("session.login", { pin: "123456", admin: true });
    expect((await extra.json()).problem.code).toBe("INVALID_INPUT");
    const unknown = await post("card.format", {});
    expect((await unknown.json()).problem.code).toBe("NOT_FOUND");
    const notJson = await fetch(`${server.url}/api/app.info`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect((await notJson.json()).problem.code).toBe("INVALID_INPUT");
  });

  it("refuses foreign origins and hosts (other pages, DNS rebinding)", async () => {
    const foreign = await post("app.info", {}, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).problem.code).toBe("ORIGIN_REJECTED");
    const port = new URL(server.url).port;
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/", headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it("binds to loopback only: a non-loopback host is CONFIG_INVALID, from the config file or in code", async () => {
    for (const host of ["0.0.0.0", "192.168.1.20"]) {
      await expect(startIssuerServer({ ...testConfig(dir.path), host }, adapters)).rejects.toMatchObject({
        code: "CONFIG_INVALID",
      });
      // A config object built without the schema is refused by the server itself.
      const app = { ...server.app, config: { ...server.app.config, host } };
      await expect(startWebServer(app, RENDERER_DIR)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    }
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
  });

  it("serves on the IPv6 loopback too, with a bracketed origin the Host check accepts", async () => {
    const v6 = await startIssuerServer({ ...testConfig(`${dir.path}/v6`), host: "::1" }, adapters);
    try {
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const info = await fetch(`${v6.url}/api/app.info`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(await info.json()).toMatchObject({ ok: true, value: { mode: "web" } });
    } finally {
      await v6.close();
    }
  });
});
