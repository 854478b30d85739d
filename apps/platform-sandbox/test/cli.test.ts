import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCrl } from "@rhc/sync";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const cwd = fileURLToPath(new URL("..", import.meta.url));
const node = (args: string[]) => [process.execPath, ["--conditions=source", "--import", "tsx", cli, ...args]] as const;

describe("rhc-platform-sandbox CLI", () => {
  it("starts, serves, takes fault knobs over the admin endpoint, stops on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rhc-cli-"));
    const [cmd, args] = node([
      "start",
      "--db",
      join(dir, "p.db"),
      "--port",
      "0",
      "--admin-token",
      "cli-admin-token",
      "--terminal",
      "D1=desk-token-01",
    ]);
    const proc = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      proc.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]!).url as string);
      });
      proc.on("exit", (c) => reject(new Error(`exited ${c}`)));
    });
    const time = await fetch(`${url}/v1/time`, { headers: { authorization: "Bearer desk-token-01" } });
    expect(time.status).toBe(200);
    const put = await fetch(`${url}/_admin/faults`, {
      method: "PUT",
      headers: { authorization: "Bearer cli-admin-token", "content-type": "application/json" },
      body: JSON.stringify({ errorEveryNth: 1, routes: "/v1/time" }),
    });
    expect((await put.json()) as object).toMatchObject({ errorEveryNth: 1 });
    expect((await fetch(`${url}/v1/time`, { headers: { authorization: "Bearer desk-token-01" } })).status).toBe(503);
    const exited = new Promise<number | null>((r) => proc.on("exit", (c) => r(c)));
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it("validates its arguments (zod) and prints usage", () => {
    const [cmd, args] = node(["start", "--port", "99999"]);
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--db");
    expect(r.stderr).toContain("rhc-platform-sandbox start");
  });

  it("writes demo CRLs (base and delta) the terminal can parse", () => {
    const dir = mkdtempSync(join(tmpdir(), "rhc-cli-crl-"));
    const [cmd, args] = node([
      "crl",
      "--dir",
      dir,
      "--issuer",
      "AB12",
      "--number",
      "4",
      "--base",
      "3",
      "--revoked",
      "0f",
    ]);
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
    expect(r.status).toBe(0);
    const info = parseCrl(new Uint8Array(readFileSync(join(dir, "ab12.delta.crl"))));
    expect(info).toMatchObject({ crlNumber: "4", baseCrlNumber: "3", issuerKeyId: "ab12", revokedSerials: ["0f"] });
    rmSync(dir, { recursive: true, force: true });
  });
});
