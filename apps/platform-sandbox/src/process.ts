import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface SandboxProcessOptions {
  dbPath: string;
  port?: number;
  adminToken?: string;
  terminals?: Record<string, string>;
  seed?: number | false;
  crlDir?: string;
}

export interface SandboxProcess {
  proc: ChildProcess;
  url: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs the sandbox CLI as a child process (crash/restart tests, benchmarks, demos). From sources
 * it runs `src/cli.ts` through tsx; from the build, `dist/cli.js`.
 */
export function spawnSandbox(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const fromSource = import.meta.url.endsWith(".ts");
  const cli = fileURLToPath(new URL(fromSource ? "./cli.ts" : "./cli.js", import.meta.url));
  const args = ["start", "--db", options.dbPath, "--port", String(options.port ?? 0)];
  if (options.adminToken) args.push("--admin-token", options.adminToken);
  for (const [id, token] of Object.entries(options.terminals ?? {})) args.push("--terminal", `${id}=${token}`);
  if (options.seed !== undefined) args.push("--seed", options.seed === false ? "none" : String(options.seed));
  if (options.crlDir) args.push("--crl-dir", options.crlDir);
  const proc = spawn(
    process.execPath,
    [...(fromSource ? ["--conditions=source", "--import", "tsx"] : []), cli, ...args],
    {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      proc.stdout!.removeAllListeners("data");
      resolve({
        proc,
        url: (JSON.parse(line) as { url: string }).url,
        exited,
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
          await exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`sandbox process exited (${code}) before listening`)));
  });
}
