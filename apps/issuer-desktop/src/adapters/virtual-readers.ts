import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The terminal agent has the same check (apps/terminal-agent/src/readers/pcscd-host.ts); this is the
// issuer's small copy until it moves into @rhc/card-protocol, where both apps can share it.

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
    return "";
  }
};

/** The reader.conf directories of every running pcscd (`--config`/`-c`), and the default one. */
function pcscdConfigDirs(procDir = "/proc"): string[] {
  const dirs = new Set(["/etc/reader.conf.d"]);
  for (const pid of list(procDir).filter((e) => /^\d+$/.test(e))) {
    if (read(join(procDir, pid, "comm")).trim() !== "pcscd") continue;
    const args = read(join(procDir, pid, "cmdline")).split("\0");
    const at = args.findIndex((a) => a === "--config" || a === "-c");
    if (at >= 0 && args[at + 1]) dirs.add(args[at + 1]!);
  }
  return [...dirs];
}

/** FRIENDLYNAMEs of the reader.conf entries whose driver is vpcd. */
export function vpcdReaderNames(configDirs: readonly string[] = pcscdConfigDirs()): string[] {
  const names: string[] = [];
  for (const dir of configDirs) {
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

/** pcscd's "<FRIENDLYNAME> <reader index> <slot>" form, both two hex digits. */
const isSlotOf = (reader: string, friendlyName: string) =>
  reader.startsWith(`${friendlyName} `) && /^ [0-9A-F]{2} [0-9A-F]{2}$/i.test(reader.slice(friendlyName.length));

/**
 * Tells virtual (vpcd) readers from physical ones: pcscd names a reader "<FRIENDLYNAME> <n> <slot>",
 * so a reader is virtual when it starts with the friendly name of a vpcd entry in a running pcscd's
 * configuration. The configuration is read again whenever a reader name is met for the first time.
 */
export class VirtualReaders {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly discover: () => string[] = () => vpcdReaderNames()) {}

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
