import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureStack, stackCommand } from "./stack.js";

/** Where the shared test instance lives; its ports stay clear of a demo stack on the defaults. */
export const TEST_STACK = { dir: "/tmp/rhc-pcsc-test", basePort: 37963 } as const;

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * vitest globalSetup: one private pcscd (own mount namespace and socket) for the whole run. Test
 * processes find it through PCSCLITE_CSOCK_NAME and lease reader lanes from RHC_TEST_STACK_DIR.
 * Concurrent runs (several checkouts on one machine) share it; the last one out stops it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const users = join(TEST_STACK.dir, "users");
  mkdirSync(users, { recursive: true });
  const me = join(users, String(process.pid));
  writeFileSync(me, "");
  const { info } = await ensureStack({ ...TEST_STACK, isolate: "1" });
  process.env.PCSCLITE_CSOCK_NAME = info.socket;
  process.env.RHC_TEST_STACK_DIR = TEST_STACK.dir;
  return async () => {
    rmSync(me, { force: true });
    const others = readdirSync(users).filter((pid) => alive(Number(pid)));
    if (others.length === 0) await stackCommand("stop", TEST_STACK);
  };
}
