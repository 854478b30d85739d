import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRhcError } from "@rhc/errors";
import { afterEach, describe, expect, it } from "vitest";
import { isLoopbackHost, parseConfig } from "./config.js";

const centre = {
  name: "发卡中心",
  issuerCode: "410100000000001",
  cityCode: "410100",
  serialPrefix: "ZZ01",
  orgId: "ORG",
};
let dir = "";
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function secret(name: string, text: string): string {
  dir ||= mkdtempSync(join(tmpdir(), "issuer-config-"));
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe("issuer configuration secrets", () => {
  it("reads the SAM PIN and the platform token from files kept out of the configuration", () => {
    const config = parseConfig({
      dataDir: "/var/lib/rhc-issuer",
      centre,
      samPinFile: secret("sam.pin", "246810\n"),
      platform: { baseUrl: "https://platform.example/", tokenFile: secret("platform.token", "tok-123\n") },
    });
    expect(config.samPin).toBe("246810");
    expect(config.platform?.token).toBe("tok-123");
  });

  it("refuses unreadable, empty or malformed secret files and ambiguous token settings, never echoing a secret", () => {
    const bad = (input: Record<string, unknown>, pattern: RegExp) => {
      try {
        parseConfig({ dataDir: "/d", centre, ...input });
        expect.unreachable();
      } catch (error) {
        expect(isRhcError(error, "CONFIG_INVALID")).toBe(true);
        expect(String((error as Error).message)).toMatch(pattern);
        expect(String((error as Error).message)).not.toContain("12ab34");
      }
    };
    bad({ samPinFile: "/nonexistent/sam.pin" }, /samPinFile: cannot read/);
    bad({ samPinFile: secret("bad.pin", "12ab34") }, /must hold 4-12 digits/);
    expect(() => parseConfig({ dataDir: "/d", centre, samPinFile: secret("p2.pin", "12ab34") })).toThrow(
      /^(?!.*12ab34)/,
    );
    bad({ platform: { baseUrl: "https://p.example", tokenFile: secret("empty.token", "\n") } }, /is empty/);
    bad(
      { platform: { baseUrl: "https://p.example", token: "a", tokenFile: secret("t", "b") } },
      /exactly one of token/,
    );
    bad({ platform: { baseUrl: "https://p.example" } }, /exactly one of token/);
  });
});

describe("web-mode host and virtual readers", () => {
  it("binds the web server to loopback only: other hosts are CONFIG_INVALID", () => {
    for (const host of ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"]) {
      expect(isLoopbackHost(host), host).toBe(true);
      expect(parseConfig({ dataDir: "/d", centre, host }).host).toBe(host);
    }
    expect(parseConfig({ dataDir: "/d", centre }).host).toBe("127.0.0.1");
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "desk.example", "128.0.0.1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(host), host).toBe(false);
      expect(() => parseConfig({ dataDir: "/d", centre, host })).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID", message: expect.stringMatching(/host: .*loopback only/) }),
      );
    }
  });

  it("refuses virtual readers unless readers.allowVirtual is set explicitly", () => {
    expect(parseConfig({ dataDir: "/d", centre }).readers.allowVirtual).toBe(false);
    const names = { issuerCard: "A", issuerSam: "B", staff: "C" };
    expect(parseConfig({ dataDir: "/d", centre, readers: names }).readers.allowVirtual).toBe(false);
    expect(parseConfig({ dataDir: "/d", centre, readers: { ...names, allowVirtual: true } }).readers.allowVirtual).toBe(
      true,
    );
    expect(() => parseConfig({ dataDir: "/d", centre, readers: { ...names, allowVirtual: "yes" } })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID" }),
    );
  });
});
