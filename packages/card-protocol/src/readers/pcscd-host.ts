import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What the machine's pcscd is running with: its processes (Linux /proc) and the reader.conf entries
 * of virtual (vpcd) readers. Apps refuse virtual readers in production unless explicitly enabled,
 * and diagnostics report the pcscd processes; both need the same reading of the configuration.
 */
export interface PcscdProcess {
  pid: number;
  /** The reader.conf directory it was started with (serial/virtual reader entries). */
  configDir: string;
}

const DEFAULT_CONFIG_DIR = "/etc/reader.conf.d";
export const DEFAULT_PCSCD_SOCKET = "/run/pcscd/pcscd.comm";

/** Reader names that are virtual whatever the configuration says. */
const VIRTUAL_NAME = /virtual pcd|\bvpcd\b/i;
/** IFD handler libraries that implement virtual readers. */
const VIRTUAL_DRIVER = /ifdvpcd|vpcd/i;

const list = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};
const read = (file: string) => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ""; // gone while we looked (a process that ended, a file removed)
  }
};

/** pcscd processes on this machine, from /proc (Linux); empty elsewhere. */
export function findPcscdProcesses(procDir = "/proc"): PcscdProcess[] {
  const found: PcscdProcess[] = [];
  for (const pid of list(procDir).filter((e) => /^\d+$/.test(e))) {
    if (read(join(procDir, pid, "comm")).trim() !== "pcscd") continue;
    const args = read(join(procDir, pid, "cmdline")).split("\0");
    const at = args.findIndex((a) => a === "--config" || a === "-c");
    found.push({ pid: Number(pid), configDir: at >= 0 && args[at + 1] ? args[at + 1]! : DEFAULT_CONFIG_DIR });
  }
  return found;
}

/** FRIENDLYNAMEs of the reader.conf entries (one file may hold several) whose driver is vpcd. */
export function virtualReaderNames(configDirs: readonly string[]): string[] {
  const names: string[] = [];
  for (const dir of new Set(configDirs)) {
    for (const file of list(dir)) {
      for (const entry of read(join(dir, file)).split(/(?=^\s*FRIENDLYNAME)/m)) {
        const name = /^\s*FRIENDLYNAME\s+"?([^"\n]+?)"?\s*$/m.exec(entry)?.[1];
        const lib = /^\s*LIBPATH\s+(\S+)/m.exec(entry)?.[1];
        if (name && lib && VIRTUAL_DRIVER.test(lib)) names.push(name);
      }
    }
  }
  return names;
}

/** The default reader.conf directory and those of every running pcscd. */
export function pcscdConfigDirs(procDir = "/proc"): string[] {
  return [DEFAULT_CONFIG_DIR, ...findPcscdProcesses(procDir).map((p) => p.configDir)];
}

/** pcscd's "<FRIENDLYNAME> <reader index> <slot>" form, both two hex digits. */
const isSlotOf = (reader: string, friendlyName: string) =>
  reader.startsWith(`${friendlyName} `) && /^ [0-9A-F]{2} [0-9A-F]{2}$/i.test(reader.slice(friendlyName.length));

/**
 * Tells virtual (vpcd) readers from physical ones: pcscd names a reader "<FRIENDLYNAME> <n> <slot>",
 * so a reader is virtual when it is a slot of a vpcd entry in a running pcscd's configuration, or has
 * a well-known virtual-reader name. The configuration is read again whenever a reader name is met
 * for the first time (a pcscd restarted with another configuration brings new names).
 */
export class VirtualReaderDetector {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly discover: () => string[] = () => virtualReaderNames(pcscdConfigDirs())) {}

  /** Forgets what it knew (pcscd restarted, maybe with another configuration). */
  refresh(): void {
    this.known.clear();
  }

  isVirtual(reader: string): boolean {
    let virtual = this.known.get(reader);
    if (virtual === undefined) {
      const names = this.discover();
      virtual = VIRTUAL_NAME.test(reader) || names.some((n) => reader === n || isSlotOf(reader, n));
      this.known.set(reader, virtual);
    }
    return virtual;
  }
}

export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? DEFAULT_PCSCD_SOCKET;
}
