import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ARTIFACTS } from "./browser.js";

const CHILD = fileURLToPath(new URL("../fixtures/issuer-child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface ChildDesk {
  url: string;
  process: ChildProcess;
  /** SIGKILL: the app dies mid-work, as on a power cut. */
  kill(): Promise<void>;
  /** SIGTERM: the app shuts down cleanly. */
  stop(): Promise<void>;
}

/** Starts `test/fixtures/issuer-child.ts` on `dataDir` and waits for its URL. */
export function startChildDesk(dataDir: string): Promise<ChildDesk> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--conditions=source", "--import", "tsx", CHILD, dataDir], {
      cwd: PACKAGE_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const exited = new Promise<void>((done) => proc.once("exit", () => done()));
    const end = (signal: NodeJS.Signals) => async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    };
    // The child's own log goes to test-artifacts for post-mortems of slow or failed runs.
    mkdirSync(ARTIFACTS, { recursive: true });
    const log = join(ARTIFACTS, `issuer-child-${proc.pid}.log`);
    proc.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      appendFileSync(log, d);
    });
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        const { url } = JSON.parse(line) as { url: string };
        resolve({ url, process: proc, kill: end("SIGKILL"), stop: end("SIGTERM") });
      }
    });
    proc.once("exit", (code) => reject(new Error(`issuer child exited (${code}) before it was ready: ${err}`)));
  });
}
