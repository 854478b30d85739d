import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { deskConfig, deskRoles } from "./support/agent.js";
import { psamCard, residentCard, trustConfig } from "./support/cards.js";
import { http } from "./support/http.js";

const CLI = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

let desk: TestDesk;
let dir: string;
let configPath: string;
let service: ChildProcess;
let url: string;
let stdout = "";
const card = residentCard("agent-cli-1");

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["--config", configPath, ...args], { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeAll(async () => {
  desk = await TestDesk.open();
  dir = mkdtempSync(join(tmpdir(), "rhc-cli-"));
  configPath = join(dir, "config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      ...deskConfig(deskRoles(desk), join(dir, "data")),
      ...trustConfig(),
      policy: { hotlist: { neverLoaded: "warn" } },
      log: { level: "info", file: join(dir, "agent.log") },
    }),
  );
  await desk.insert("sam", psamCard());
  await desk.insert("resident", card.spec);
  // The real service process, as systemd starts it.
  service = spawn(process.execPath, ["--import", "tsx", "--conditions=source", CLI, "start", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  service.stdout!.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  service.stderr!.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${stdout}`)), 30_000);
    service.stdout!.on("data", () => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    service.on("exit", (code) => reject(new Error(`service exited ${code}: ${stdout}`)));
  });
});

afterAll(async () => {
  if (service && service.exitCode === null) service.kill("SIGKILL");
  await desk?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("rhc-agent CLI against the running service", () => {
  it("pair list / approve --scopes / clients / revoke drive the operator side of pairing", async () => {
    const req = await http(`${url}/v1/pairing`, {
      method: "POST",
      body: { clientName: "HIS desk 1", scopes: ["read-basic", "write"] },
    });
    const { code, requestId } = req.body as { code: string; requestId: string };

    const list = await cli("pair", "list");
    expect(list.code).toBe(0);
    expect(list.out).toContain(code);
    expect(list.out).toContain("HIS desk 1");

    const approved = await cli("pair", "approve", code, "--scopes", "read-basic");
    expect(approved.code).toBe(0);
    expect(approved.out).toMatch(/approved: client [a-z0-9]{12} "HIS desk 1" scopes=read-basic/);
    const token = ((await http(`${url}/v1/pairing/${requestId}`)).body as { token: string }).token;
    expect((await http(`${url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const clients = await cli("pair", "clients", "--json");
    const clientId = (JSON.parse(clients.out) as Array<{ clientId: string }>)[0]!.clientId;
    expect((await cli("pair", "revoke", clientId)).code).toBe(0);
    expect((await http(`${url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("card read shows the card in the resident reader (IT checking a reader)", async () => {
    const r = await cli("card", "read", "--sections", "identity,addresses", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ cardNo: card.person.citizenId, authenticity: { genuine: true } });
    expect((await cli("card", "read", "--sections", "everything")).code).toBe(2);
  });

  it("validates arguments with clear usage errors (exit 2)", async () => {
    const r = await cli("pair", "approve", "12ab");
    expect(r.code).toBe(2);
    expect(r.err).toContain("a pairing code has 6 digits");
    expect((await cli("pair", "approve", "123456", "--scopes", "root")).code).toBe(2);
    expect((await cli("frobnicate")).code).toBe(2);
    const unknown = await cli("pair", "approve", "999999");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("NOT_FOUND");
  });

  it("status and diagnose report the service, its readers and pcscd", async () => {
    const status = await cli("status", "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({
      terminalId: "T-TEST-01",
      pcsc: "up",
      roles: { resident: { reader: desk.readerName("resident") } },
    });
    const diag = await cli("diagnose");
    expect(diag.code).toBe(0);
    expect(diag.out).toContain("== diagnostics ==");
    expect(diag.out).toContain(desk.readerName("sam"));
  });

  it("stops gracefully on SIGTERM, recording it in an intact audit chain; diagnose still works without it", async () => {
    const exited = new Promise<number | null>((resolve) => service.on("exit", (code) => resolve(code)));
    service.kill("SIGTERM");
    expect(await exited).toBe(0);
    const verified = await cli("audit", "verify", "--json");
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true, entries: expect.any(Number) });
    expect(JSON.parse(verified.out).entries).toBeGreaterThanOrEqual(4);

    const status = await cli("status");
    expect(status.code).toBe(3);
    expect(status.err).toContain("AGENT_UNAVAILABLE");
    const diag = await cli("diagnose", "--json");
    expect(diag.code).toBe(0);
    expect(JSON.parse(diag.out)).toMatchObject({
      agent: { running: false },
      config: { valid: true },
      audit: { ok: true },
    });
    expect(readFileSync(join(dir, "agent.log"), "utf8")).toContain('"msg":"rhc-agent stopped"');
  });

  it("config check names the broken fields", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({
        terminalId: "T1",
        dataDir: "/x",
        api: { host: "0.0.0.0" },
        readers: { roles: { resident: "a", sam: "b" } },
      }),
    );
    const out: string[] = [];
    const code = await runCli(["config", "check", "--config", join(dir, "bad.json")], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    expect(code).toBe(1);
    expect(out.join("\n")).toMatch(/CONFIG_INVALID[\s\S]*api\.host|api\.host[\s\S]*CONFIG_INVALID/);
  });

  it("diagnose on a desk where the agent never ran: says the data directory is missing, creates nothing, prints no 'undefined'", async () => {
    const fresh = join(dir, "never-ran");
    const config = join(dir, "never-ran.json");
    writeFileSync(config, JSON.stringify({ ...deskConfig(deskRoles(desk), join(fresh, "data")), ...trustConfig() }));
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const code = await runCli(["--config", config, ...args], { out: (t) => out.push(t), err: (t) => out.push(t) });
      return { code, out: out.join("\n") };
    };

    const human = await run("diagnose");
    expect(human.code).toBe(0);
    expect(human.out).not.toContain("undefined");
    expect(human.out).toMatch(
      /dataDir:\n\s+path: .*never-ran\/data\n\s+exists: false\n\s+hint: the data directory does not exist/,
    );
    const report = JSON.parse((await run("diagnose", "--json")).out) as Record<string, unknown>;
    expect(report).toMatchObject({
      agent: { running: false },
      config: { valid: true, terminalId: "T-TEST-01" },
      dataDir: { exists: false, hint: expect.stringContaining("rhc-agent start") },
      audit: { exists: false },
    });
    // pcscd runs (the test stack's): no hint about starting it.
    expect(report.pcsc).not.toHaveProperty("hint");

    const audit = await run("audit", "verify");
    expect(audit.code).toBe(1);
    expect(audit.out).toContain("no store at");
    expect(existsSync(fresh)).toBe(false);
  });
});
