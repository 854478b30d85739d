import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRhcError } from "@rhc/errors";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";

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
