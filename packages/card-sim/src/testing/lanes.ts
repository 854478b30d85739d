import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readStackInfo, type StackInfo, type StackReader } from "./stack.js";

/** Reader roles of the test stack, named as a real desk names them in its configuration. */
export const ROLE_READERS = {
  resident: "Resident Card Reader",
  sam: "SAM Reader",
  staff: "Staff Card Reader",
  issuerCard: "Issuer Card Reader",
  issuerSam: "Issuer SAM Reader",
} as const;
export type Role = keyof typeof ROLE_READERS;

/**
 * A lane is one slot of every role reader ("… 00 00" or "… 00 01"). A test file leases a lane
 * for its lifetime, so files run in parallel without two cards racing for one vpcd port.
 */
export interface Lane {
  readonly index: number;
  readonly stack: StackInfo;
  reader(role: Role): StackReader;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

function tryLock(file: string): boolean {
  try {
    const fd = openSync(file, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch {
    // Held: steal it only if its owner died without releasing it.
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(file, "utf8"));
    } catch {
      return false;
    }
    if (Number.isInteger(owner) && owner > 0 && !alive(owner)) {
      rmSync(file, { force: true });
      return tryLock(file);
    }
    return false;
  }
}

export async function leaseLane(stackDir: string, options: { timeoutMs?: number } = {}): Promise<Lane> {
  const stack = readStackInfo(stackDir);
  if (!stack) throw new Error(`no PC/SC test stack in ${stackDir}; is the vitest globalSetup configured?`);
  const lanes = Math.min(
    ...Object.values(ROLE_READERS).map((role) => stack.readers.filter((r) => r.role === role).length),
  );
  if (!Number.isFinite(lanes) || lanes < 1) throw new Error("the test stack lacks one of the role readers");
  const dir = join(stackDir, "lanes");
  await mkdir(dir, { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    for (let index = 0; index < lanes; index++) {
      const file = join(dir, `lane-${index}.lock`);
      if (!tryLock(file)) continue;
      let released = false;
      return {
        index,
        stack,
        reader(role: Role): StackReader {
          const reader = stack.readers.find((r) => r.role === ROLE_READERS[role] && r.slot === index);
          if (!reader) throw new Error(`no ${role} reader in lane ${index}`);
          return reader;
        },
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    }
    if (Date.now() > deadline) throw new Error("timed out waiting for a free reader lane");
    await sleep(50);
  }
}
