import { RhcError } from "@rhc/errors";
import { ROLE_READERS, type Role } from "../testing/lanes.js";
import { readStackInfo, type StackInfo, type StackReader } from "../testing/stack.js";

/** The stack directory of scripts/pcsc-stack.sh (STACK_DIR, default /tmp/rhc-pcsc-stack). */
export function stackDir(override?: string): string {
  return override ?? process.env.STACK_DIR ?? "/tmp/rhc-pcsc-stack";
}

export function stack(dir: string): StackInfo {
  const info = readStackInfo(dir);
  if (!info) {
    throw new RhcError("PCSC_UNAVAILABLE", {
      detail: `no PC/SC stack in ${dir}: start it with "bash scripts/pcsc-stack.sh start" (or set STACK_DIR)`,
    });
  }
  return info;
}

/**
 * A reader by full PC/SC name ("SAM Reader 00 00"), by role name ("SAM Reader" = its first slot),
 * by role key ("sam") or by vpcd port.
 */
export function findReader(info: StackInfo, wanted: string): StackReader {
  const role = ROLE_READERS[wanted as Role];
  const found =
    info.readers.find((r) => r.name === wanted) ??
    info.readers.find((r) => r.role === (role ?? wanted) && r.slot === 0) ??
    info.readers.find((r) => String(r.port) === wanted);
  if (!found) {
    throw new RhcError("NO_READER", {
      detail: `no reader "${wanted}"; readers: ${info.readers.map((r) => r.name).join(", ")}`,
    });
  }
  return found;
}
