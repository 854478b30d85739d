import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);

const stackReader = z.object({
  name: z.string(),
  role: z.string(),
  entry: z.number().int(),
  slot: z.number().int(),
  port: z.number().int(),
});
const stackInfo = z.object({
  pid: z.number().int(),
  socket: z.string(),
  isolated: z.boolean(),
  basePort: z.number().int(),
  log: z.string(),
  readers: z.array(stackReader),
});

export type StackReader = z.infer<typeof stackReader>;
export type StackInfo = z.infer<typeof stackInfo>;

export interface StackOptions {
  /** STACK_DIR of the instance. */
  dir: string;
  basePort?: number;
  names?: readonly string[];
  isolate?: "auto" | "1" | "0";
}

/** The repository root (where pnpm-workspace.yaml is), found from this file. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the repository root (pnpm-workspace.yaml)");
    dir = parent;
  }
  return dir;
}

export function stackScript(): string {
  return join(repoRoot(), "scripts", "pcsc-stack.sh");
}

function env(options: StackOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    STACK_DIR: options.dir,
    ...(options.basePort ? { VPCD_BASE_PORT: String(options.basePort) } : {}),
    ...(options.names ? { VPCD_NAMES: options.names.join(",") } : {}),
    ...(options.isolate ? { PCSC_ISOLATE: options.isolate } : {}),
  };
}

export async function stackCommand(command: "start" | "stop" | "status" | "restart", options: StackOptions) {
  try {
    const { stdout, stderr } = await run("bash", [stackScript(), command], { env: env(options) });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: (e.stdout ?? "") + (e.stderr ?? e.message) };
  }
}

export function readStackInfo(dir: string): StackInfo | undefined {
  const file = join(dir, "stack.json");
  if (!existsSync(file)) return undefined;
  return stackInfo.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** Starts the instance unless it runs already; `started` tells the caller whether to stop it. */
export async function ensureStack(options: StackOptions): Promise<{ info: StackInfo; started: boolean }> {
  const status = await stackCommand("status", options);
  const running = status.ok && readStackInfo(options.dir);
  if (running) return { info: running, started: false };
  const result = await stackCommand("start", options);
  const info = readStackInfo(options.dir);
  if (!result.ok || !info) {
    const reason =
      result.output
        .trim()
        .split("\n")
        .pop()
        ?.replace(/^pcsc-stack: /, "") ?? "unknown reason";
    throw new Error(`cannot start the PC/SC stack: ${reason}\n${result.output}`);
  }
  return { info, started: true };
}
