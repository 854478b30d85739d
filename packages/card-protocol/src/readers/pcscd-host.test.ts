import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualReaderDetector, virtualReaderNames } from "./pcscd-host.js";

const dir = mkdtempSync(join(tmpdir(), "rhc-readerconf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("virtual reader detection from pcscd's reader configuration", () => {
  it("names vpcd entries (one file may hold several) and ignores other drivers", () => {
    writeFileSync(
      join(dir, "vpcd"),
      [
        'FRIENDLYNAME "Issuer Card Reader"',
        "DEVICENAME   /dev/null:0x8C7B",
        "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so",
        "CHANNELID    0x8C7B",
        "",
        "FRIENDLYNAME Staff Card Reader",
        "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "serial"),
      'FRIENDLYNAME "Gemalto Serial"\nLIBPATH /usr/lib/pcsc/drivers/serial/libGemPC410.so\n',
    );
    expect(virtualReaderNames([dir]).sort()).toEqual(["Issuer Card Reader", "Staff Card Reader"]);
    expect(virtualReaderNames([join(dir, "missing")])).toEqual([]);
  });

  it("tells a reader of a vpcd entry (pcscd appends '<n> <slot>') from a physical one", () => {
    let reads = 0;
    const readers = new VirtualReaderDetector(() => {
      reads++;
      return virtualReaderNames([dir]);
    });
    expect(readers.isVirtual("Issuer Card Reader 00 00")).toBe(true);
    expect(readers.isVirtual("Issuer Card Reader 00 00")).toBe(true);
    expect(readers.isVirtual("Issuer Card Reader Plus 00 00")).toBe(false);
    expect(readers.isVirtual("Gemalto Serial 00 00")).toBe(false);
    expect(readers.isVirtual("Virtual PCD 00 01")).toBe(true);
    // The configuration is read once per new reader name, not per call, and again after a refresh.
    expect(reads).toBe(4);
    readers.refresh();
    expect(readers.isVirtual("Issuer Card Reader 00 00")).toBe(true);
    expect(reads).toBe(5);
  });
});
