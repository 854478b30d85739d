import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface PcscdProcess {
  pid: number;
  /** The reader.conf directory it was started with (serial/virtual reader entries). */
  configDir: string;
}

const DEFAULT_CONFIG_DIR = "/etc/reader.conf.d";
export const DEFAULT_PCSCD_SOCKET = "/run/pcscd/pcscd.comm";

/** Reader-name patterns of virtual readers whatever their configuration says. */
const VIRTUAL_NAME_PATTERNS = [/virtual pcd/i, /\bvpcd\b/i];
/** IFD handler libraries that implement virtual readers. */
const VIRTUAL_DRIVER = /ifdvpcd|vpcd/i;

/** pcscd processes on this machine, from /proc (Linux); empty elsewhere. */
export function findPcscdProcesses(procDir = "/proc"): PcscdProcess[] {
  let entries: string[];
  try {
    entries = readdirSync(procDir).filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const found: PcscdProcess[] = [];
  for (const pid of entries) {
    try {
      if (readFileSync(join(procDir, pid, "comm"), "utf8").trim() !== "pcscd") continue;
      const args = readFileSync(join(procDir, pid, "cmdline"), "utf8").split("\0");
      const at = args.findIndex((a) => a === "--config" || a === "-c");
      found.push({ pid: Number(pid), configDir: at >= 0 && args[at + 1] ? args[at + 1]! : DEFAULT_CONFIG_DIR });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** FRIENDLYNAMEs of reader.conf entries whose driver is a virtual one (vpcd). */
export function virtualReaderNames(configDirs: readonly string[]): string[] {
  const names: string[] = [];
  for (const dir of new Set(configDirs)) {
    if (!existsSync(dir)) continue;
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(dir, file), "utf8");
      } catch {
        continue;
      }
      // One file may hold several entries; each starts with FRIENDLYNAME.
      for (const entry of text.split(/(?=^\s*FRIENDLYNAME)/m)) {
        const name = /^\s*FRIENDLYNAME\s+"?([^"\n]+?)"?\s*$/m.exec(entry)?.[1];
        const lib = /^\s*LIBPATH\s+(\S+)/m.exec(entry)?.[1];
        if (name && lib && VIRTUAL_DRIVER.test(lib)) names.push(name);
      }
    }
  }
  return names;
}

/**
 * Tells virtual (vpcd) readers from physical ones. pcscd names a reader "<FRIENDLYNAME> <n> <slot>",
 * so a reader is virtual when its name starts with the friendly name of a vpcd entry in the
 * configuration of a running pcscd, or matches a well-known virtual-reader name.
 */
export class VirtualReaderDetector {
  private names: string[] = [];

  constructor(
    private readonly discover: () => string[] = () =>
      virtualReaderNames([DEFAULT_CONFIG_DIR, ...findPcscdProcesses().map((p) => p.configDir)]),
  ) {
    this.refresh();
  }

  /** Re-reads the configuration (after pcscd restarts). */
  refresh(): void {
    this.names = this.discover();
  }

  isVirtual(readerName: string): boolean {
    return (
      VIRTUAL_NAME_PATTERNS.some((p) => p.test(readerName)) ||
      this.names.some((n) => readerName === n || readerName.startsWith(`${n} `))
    );
  }
}

export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? DEFAULT_PCSCD_SOCKET;
}
