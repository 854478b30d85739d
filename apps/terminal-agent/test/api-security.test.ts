import { readFileSync } from "node:fs";
import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient } from "../src/cli/admin-client.js";
import { dataPaths } from "../src/index.js";
import { pair, startTestAgent, type TestAgent } from "./support/agent.js";
import { http } from "./support/http.js";

let desk: TestDesk;
let t: TestAgent;
let readToken: string;

beforeAll(async () => {
  desk = await TestDesk.open();
  t = await startTestAgent(desk, (c) => ({ ...c, api: { ...c.api, rateLimit: { perSecond: 2, burst: 30 } } }));
  readToken = await pair(t.agent, ["read-basic"]);
});

afterAll(async () => {
  await t?.close();
  await desk?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("authentication", () => {
  it("refuses an unpaired client with problem+json UNAUTHORIZED", async () => {
    const r = await http(`${t.agent.url}/v1/readers`);
    expect(r.status).toBe(401);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({
      code: "UNAUTHORIZED",
      type: "urn:rhc:error:UNAUTHORIZED",
      retriable: false,
      instance: "/v1/readers",
    });
    expect((r.body as { message: { zh: string } }).message.zh).toMatch(/配对/);
  });

  it("refuses a forged token of a real client id", async () => {
    const forged = `${readToken.slice(0, 18)}${"A".repeat(43)}`;
    const r = await http(`${t.agent.url}/v1/readers`, { headers: bearer(forged) });
    expect(r.status).toBe(401);
  });

  it("accepts the paired token and enforces scopes", async () => {
    const ok = await http(`${t.agent.url}/v1/readers`, { headers: bearer(readToken) });
    expect(ok.status).toBe(200);
    const settleOnly = await pair(t.agent, ["settle"], "billing");
    const denied = await http(`${t.agent.url}/v1/readers`, { headers: bearer(settleOnly) });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: "FORBIDDEN", data: { needed: "read-basic" } });
    const me = await http(`${t.agent.url}/v1/me`, { headers: bearer(settleOnly) });
    expect(me.body).toMatchObject({ name: "billing", scopes: ["settle"] });
  });
});

describe("DNS rebinding and cross-site defences", () => {
  it("refuses a Host header that is not a loopback name of the agent", async () => {
    const r = await http(`${t.agent.url}/v1/readers`, {
      headers: { ...bearer(readToken), host: `evil.example:${t.agent.port}` },
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "ORIGIN_REJECTED" });
    const wrongPort = await http(`${t.agent.url}/v1/readers`, {
      headers: { ...bearer(readToken), host: "127.0.0.1:1" },
    });
    expect(wrongPort.status).toBe(403);
    const localhost = await http(`${t.agent.url}/v1/readers`, {
      headers: { ...bearer(readToken), host: `localhost:${t.agent.port}` },
    });
    expect(localhost.status).toBe(200);
  });

  it("refuses a foreign Origin even with a valid token, and even for pairing", async () => {
    const r = await http(`${t.agent.url}/v1/readers`, {
      headers: { ...bearer(readToken), origin: "https://evil.example" },
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "ORIGIN_REJECTED" });
    const p = await http(`${t.agent.url}/v1/pairing`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
      body: { clientName: "x", scopes: ["read-basic"] },
    });
    expect(p.status).toBe(403);
    expect(t.agent.admin.pendingPairings().some((q) => q.clientName === "x")).toBe(false);
  });

  it("answers CORS preflight (with Private Network Access) for configured HIS origins only", async () => {
    const pre = await http(`${t.agent.url}/v1/readers`, {
      method: "OPTIONS",
      headers: {
        origin: "http://his.test",
        "access-control-request-method": "GET",
        "access-control-request-private-network": "true",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("http://his.test");
    expect(pre.headers["access-control-allow-private-network"]).toBe("true");
    expect(pre.headers["access-control-allow-headers"]).toMatch(/authorization/);
    const real = await http(`${t.agent.url}/v1/readers`, {
      headers: { ...bearer(readToken), origin: "http://his.test" },
    });
    expect(real.status).toBe(200);
    expect(real.headers["access-control-allow-origin"]).toBe("http://his.test");
    const foreign = await http(`${t.agent.url}/v1/readers`, {
      method: "OPTIONS",
      headers: { origin: "http://other.test" },
    });
    expect(foreign.status).toBe(403);
  });
});

describe("pairing", () => {
  it("goes pending → approved by the operator over the admin socket → token collected exactly once", async () => {
    const req = await http(`${t.agent.url}/v1/pairing`, {
      method: "POST",
      body: { clientName: "HIS desk 7", scopes: ["read-basic", "read-clinical"] },
    });
    expect(req.status).toBe(202);
    const { requestId, code } = req.body as { requestId: string; code: string };
    expect(code).toMatch(/^\d{6}$/);
    expect((await http(`${t.agent.url}/v1/pairing/${requestId}`)).body).toEqual({ state: "pending" });

    const admin = new AdminClient(t.agent.adminSocket);
    const pending = await admin.call<Array<{ code: string; clientName: string }>>("GET", "/admin/pairing");
    expect(pending).toContainEqual(expect.objectContaining({ code, clientName: "HIS desk 7" }));
    expect(JSON.stringify(pending)).not.toContain(requestId);
    // The operator narrows the grant to read-basic.
    const client = await admin.call<{ clientId: string; scopes: string[] }>("POST", `/admin/pairing/${code}/approve`, {
      scopes: ["read-basic"],
    });
    expect(client.scopes).toEqual(["read-basic"]);

    const collected = await http(`${t.agent.url}/v1/pairing/${requestId}`);
    const body = collected.body as { state: string; token: string; clientId: string };
    expect(body).toMatchObject({ state: "approved", clientId: client.clientId, scopes: ["read-basic"] });
    expect((await http(`${t.agent.url}/v1/pairing/${requestId}`)).body).toMatchObject({ code: "PAIRING_EXPIRED" });
    expect((await http(`${t.agent.url}/v1/me`, { headers: bearer(body.token) })).status).toBe(200);

    // Stored hashed, never logged.
    const secret = body.token.slice("rhc1_".length + 13);
    expect(secret).toHaveLength(43);
    expect(readFileSync(dataPaths(t.dataDir).clients, "utf8")).not.toContain(secret);
    expect(t.logs()).not.toContain(secret);

    await admin.call("DELETE", `/admin/clients/${client.clientId}`);
    expect((await http(`${t.agent.url}/v1/me`, { headers: bearer(body.token) })).status).toBe(401);
  });

  it("lets the operator deny a request; the HIS then sees PAIRING_EXPIRED", async () => {
    const req = await http(`${t.agent.url}/v1/pairing`, {
      method: "POST",
      body: { clientName: "unknown", scopes: ["write"] },
    });
    const { requestId, code } = req.body as { requestId: string; code: string };
    await new AdminClient(t.agent.adminSocket).call("POST", `/admin/pairing/${code}/deny`);
    const r = await http(`${t.agent.url}/v1/pairing/${requestId}`);
    expect(r.status).toBe(410);
    expect(r.body).toMatchObject({ code: "PAIRING_EXPIRED" });
    await expect(
      new AdminClient(t.agent.adminSocket).call("POST", "/admin/pairing/000000/approve", {}),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("rejects malformed pairing bodies with INVALID_INPUT naming the field", async () => {
    const r = await http(`${t.agent.url}/v1/pairing`, { method: "POST", body: { clientName: "", scopes: ["root"] } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: "INVALID_INPUT" });
    expect((r.body as { detail: string }).detail).toMatch(/clientName/);
    expect((r.body as { detail: string }).detail).toMatch(/scopes/);
    const notJson = await http(`${t.agent.url}/v1/pairing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ code: "INVALID_INPUT" });
  });

  it("records pairing and rejected requests in the hash-chained audit log", async () => {
    const admin = new AdminClient(t.agent.adminSocket);
    const entries = await admin.call<Array<{ kind: string; outcome: string }>>("GET", "/admin/audit?limit=500");
    const kinds = entries.map((e) => e.kind);
    for (const kind of [
      "agent.started",
      "pairing.requested",
      "pairing.approved",
      "pairing.denied",
      "client.revoked",
      "auth.rejected",
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(await admin.call("GET", "/admin/audit/verify")).toMatchObject({ ok: true });
  });
});

describe("rate limits", () => {
  it("answers 429 RATE_LIMITED with Retry-After once a client exceeds its burst, without affecting others", async () => {
    const token = await pair(t.agent, ["read-basic"], "runaway loop");
    const results = await Promise.all(
      Array.from({ length: 40 }, () => http(`${t.agent.url}/v1/status`, { headers: bearer(token) })),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(limited[0]!.body).toMatchObject({ code: "RATE_LIMITED", retriable: true });
    expect(Number(limited[0]!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await http(`${t.agent.url}/v1/status`, { headers: bearer(readToken) })).status).toBe(200);
  });
});

describe("OpenAPI document", () => {
  it("is served at /openapi.json as OpenAPI 3.1 built from the route schemas", async () => {
    const r = await http(`${t.agent.url}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = r.body as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { "x-rhc-scope"?: string; requestBody?: unknown; responses: Record<string, unknown> }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/v1/readers"]?.get?.["x-rhc-scope"]).toBe("read-basic");
    expect(doc.paths["/v1/pairing"]?.post?.requestBody).toBeDefined();
    expect(doc.paths["/v1/pairing"]?.post?.responses["202"]).toBeDefined();
    expect(doc.paths["/v1/events"]?.get).toBeDefined();
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(doc.components.schemas.AgentEvent).toBeDefined();
    // Every $ref resolves inside the document.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
    // Admin operations are not part of the HIS API.
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/admin"))).toBe(false);
  });

  it("answers unknown paths with problem+json NOT_FOUND", async () => {
    const r = await http(`${t.agent.url}/v1/nope`, { headers: bearer(readToken) });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: "NOT_FOUND" });
  });
});
