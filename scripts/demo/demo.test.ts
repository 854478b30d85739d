import { spawn, spawnSync } from "node:child_process";
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
const STACK = fileURLToPath(new URL("../pcsc-stack.sh", import.meta.url));

interface Run {
  code: number | null;
  out: string;
  /** Set when the demo was left running: what its printed URLs answered, and the stack's state after Ctrl-C. */
  running?: { answers: Record<string, number>; stackAfterCtrlC: string };
}

/**
 * Runs the demo. With `--exit` it stops after the story; without, the test plays the user: waits for
 * the printed URLs, opens each, presses Ctrl-C and checks the private pcscd was stopped.
 */
function runDemo(extra: string[], patchEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "rhc-demo-test-"));
  const stackDir = join(dir, "stack");
  const { PCSCLITE_CSOCK_NAME: _shared, ...env } = process.env; // the demo starts its own pcscd
  const stays = !extra.includes("--exit");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN, ...extra], {
      env: {
        ...env,
        RHC_DEMO_DIR: join(dir, "demo"),
        STACK_DIR: stackDir,
        VPCD_BASE_PORT: "36463",
        RHC_DEMO_PLATFORM_PORT: "0",
        RHC_DEMO_ISSUER_PORT: "0",
        RHC_DEMO_AGENT_PORT: "0",
        ...patchEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let answers: Record<string, number> | undefined;
    const visit = async () => {
      const urls = [...out.matchAll(/^\s+(issuer desk|terminal agent API|platform sandbox)[^:]*:\s+(\S+)/gm)];
      answers = {};
      for (const [, name, url] of urls) answers[name!] = (await fetch(url!)).status;
      child.kill("SIGINT");
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      if (stays && !answers && out.includes("Ctrl-C stops them") && /card images:.*\n/.test(out)) {
        answers = {};
        void visit().catch((error: unknown) => {
          out += `\n(test) ${String(error)}`;
          child.kill("SIGINT");
        });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      const running = answers
        ? {
            answers,
            stackAfterCtrlC: spawnSync("bash", [STACK, "status"], {
              env: { ...env, STACK_DIR: stackDir },
            }).stdout.toString(),
          }
        : undefined;
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out, ...(running ? { running } : {}) });
    });
  });
}

function expectWholeStory(out: string): void {
  expect(out).toMatch(/personalised through the ISAM in \d+ ms, \d+ APDUs/);
  expect(out).toMatch(/the card now: [1-9]\d* keys diversified .* lifecycle operational: personalisation locked/);
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
  it("runs the whole story through the real pcscd, then keeps the services up until Ctrl-C", async () => {
    const { code, out, running } = await runDemo([]);
    expect(out).toMatch(/private pcscd pid \d+/);
    expectWholeStory(out);
    expect(running?.answers, out).toEqual({ "issuer desk": 200, "terminal agent API": 200, "platform sandbox": 200 });
    expect(running?.stackAfterCtrlC).toMatch(/not running/);
    expect(code, out).toBe(0);
  });

  it("falls back by itself to in-process readers where pcscd cannot run, and tells the same story", async () => {
    // A machine without pcscd: the stack script finds no pcscd on a PATH without the sbin directories.
    const PATH = (process.env.PATH ?? "")
      .split(":")
      .filter((d) => !/\/sbin\/?$/.test(d))
      .join(":");
    const { code, out } = await runDemo(["--exit"], { PATH });
    expect(out).toMatch(/pcscd cannot run here: .*missing Debian packages: pcscd/);
    expect(out).toMatch(/falling back to in-process virtual readers/);
    expectWholeStory(out);
    expect(code, out).toBe(0);
  });
});
