import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "./load.js";
import { isLoopbackHost } from "./schema.js";

const minimal = {
  terminalId: "T-01",
  dataDir: "/var/lib/rhc-agent",
  readers: { roles: { resident: "Reader A", sam: { prefix: "SAM" } } },
};

describe("agent configuration", () => {
  it("fills safe defaults: loopback, virtual readers refused, fail-closed revocation", () => {
    const c = parseConfig(minimal);
    expect(c.api).toMatchObject({ host: "127.0.0.1", port: 17380, allowedOrigins: [] });
    expect(c.readers.allowVirtual).toBe(false);
    expect(c.policy.revocation).toMatchObject({ clinicianLogin: "fail-closed", recordWrite: "fail-closed" });
    expect(c.policy.hotlist).toMatchObject({ warnAfterHours: 24, denyAfterHours: 168, neverLoaded: "deny" });
    expect(c.policy.genuineCard).toBe("deny");
  });

  it("normalises CRL issuer key ids to lower case (the CRL cache and the platform compare them so)", () => {
    const c = parseConfig({
      ...minimal,
      platform: { url: "http://127.0.0.1:9", tokenFile: "/etc/rhc-agent/platform.token", crlIssuers: ["98F3BE12AB"] },
    });
    expect(c.platform?.crlIssuers).toEqual(["98f3be12ab"]);
  });

  it("refuses to bind anything but loopback", () => {
    for (const host of ["0.0.0.0", "192.168.1.10", "::", "his.hospital.local"]) {
      expect(() => parseConfig({ ...minimal, api: { host } }), host).toThrow(
        /api\.host: the API binds to loopback only/,
      );
    }
    for (const host of ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
      expect(isLoopbackHost(host), host).toBe(true);
  });

  it("lists every problem with its path in one CONFIG_INVALID error", () => {
    try {
      parseConfig({
        terminalId: "bad id!",
        readers: { roles: {} },
        api: { allowedOrigins: ["http://his/path"] },
        extra: 1,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "CONFIG_INVALID" });
      const detail = (error as { detail: string }).detail;
      for (const path of [
        "terminalId",
        "dataDir",
        "readers.roles.resident",
        "readers.roles.sam",
        "api.allowedOrigins.0",
        "(root)",
      ]) {
        expect(detail).toContain(path);
      }
    }
  });

  it("reports unreadable and non-JSON files clearly", () => {
    const dir = mkdtempSync(join(tmpdir(), "rhc-config-"));
    expect(() => loadConfig(join(dir, "missing.json"))).toThrow(/cannot read/);
    writeFileSync(join(dir, "broken.json"), "{ terminalId: ");
    expect(() => loadConfig(join(dir, "broken.json"))).toThrow(/not valid JSON/);
    writeFileSync(join(dir, "ok.json"), JSON.stringify(minimal));
    expect(loadConfig(join(dir, "ok.json")).terminalId).toBe("T-01");
  });
});
