import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The README's main job, run as a user runs it (its own private pcscd, platform, issuer and agent),
 * on ports and a stack of its own so it never meets a demo a developer left running.
 */
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

function runDemo(extra: string[]): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), "rhc-demo-test-"));
  const { PCSCLITE_CSOCK_NAME: _shared, ...env } = process.env; // the demo starts its own pcscd
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN, "--exit", ...extra], {
      env: {
        ...env,
        RHC_DEMO_DIR: join(dir, "demo"),
        STACK_DIR: join(dir, "stack"),
        VPCD_BASE_PORT: "36463",
        RHC_DEMO_PLATFORM_PORT: "0",
        RHC_DEMO_ISSUER_PORT: "0",
        RHC_DEMO_AGENT_PORT: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out });
    });
  });
}

function expectWholeStory(out: string): void {
  expect(out).toMatch(/personalised through the ISAM in \d+ ms, \d+ APDUs/);
  expect(out).toMatch(/registered: card\.issued delivered; the platform's PIXm resolves the card number \(HTTP 200\)/);
  expect(out).toMatch(/genuine: true \(internalAuthentication passed, issuerCertificate passed\)/);
  expect(out).toMatch(/SAM signature valid/);
  expect(out).toMatch(/settled once: SETTLED/);
  expect(out).toMatch(/desk outbox: [1-9]\d* event\(s\) waiting, last error PLATFORM_UNREACHABLE/);
  expect(out).toMatch(/the lost card is now refused at the desk: HOTLISTED/);
  expect(out).toMatch(/\d+ events from 2 terminals, each applied exactly once: true/);
  expect(out).toMatch(/settlement \d+: 1 financial effect\(s\)/);
  expect(out).not.toMatch(/✗/);
}

describe("pnpm demo", () => {
  it("runs the whole issue → read → write → settle → offline → sync story through the real pcscd", async () => {
    const { code, out } = await runDemo([]);
    expect(out).toMatch(/private pcscd pid \d+/);
    expectWholeStory(out);
    expect(code, out).toBe(0);
  });

  it("tells the same story with in-process readers where pcscd cannot run", async () => {
    const { code, out } = await runDemo(["--in-process"]);
    expect(out).toMatch(/in-process virtual readers/);
    expectWholeStory(out);
    expect(code, out).toBe(0);
  });
});
