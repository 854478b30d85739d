import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";

describe("shipped deployment files", () => {
  it("the example configuration validates and keeps production defaults", () => {
    const c = loadConfig(new URL("../../deploy/config.example.json", import.meta.url).pathname);
    expect(c.readers.allowVirtual).toBe(false);
    expect(c.api.host).toBe("127.0.0.1");
  });

  it("the systemd unit runs the CLI entry with the configuration the CLI reads", () => {
    const unit = readFileSync(new URL("../../deploy/rhc-agent.service", import.meta.url), "utf8");
    expect(unit).toMatch(/^ExecStart=.*dist\/cli\/main\.js start$/m);
    expect(unit).toMatch(/^Environment=RHC_AGENT_CONFIG=\/etc\/rhc-agent\/config\.json$/m);
    expect(unit).toMatch(/^StateDirectory=rhc-agent$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });
});
