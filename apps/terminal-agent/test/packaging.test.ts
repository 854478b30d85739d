import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const APP = fileURLToPath(new URL("..", import.meta.url));
const MARK = join(APP, "scripts", "mark-bins-executable.mjs");
const pkg = JSON.parse(readFileSync(join(APP, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const scratch = mkdtempSync(join(tmpdir(), "rhc-agent-pack-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A package directory with one bin file of the given text, mode 0644 (what tsc writes). */
function fakePackage(name: string, text: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "dist"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, bin: { x: "./dist/main.js" } }));
  writeFileSync(join(dir, "dist", "main.js"), text);
  chmodSync(join(dir, "dist", "main.js"), 0o644);
  return dir;
}

describe("packaging: the rhc-agent bin", () => {
  it("is built from a source that starts with a node shebang", () => {
    expect(Object.keys(pkg.bin)).toEqual(["rhc-agent"]);
    const source = join(APP, pkg.bin["rhc-agent"]!.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
    expect(readFileSync(source, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("is marked executable by the package's build step (tsc writes 0644)", () => {
    expect(pkg.scripts.build).toMatch(/&& node scripts\/mark-bins-executable\.mjs$/);
    const dir = fakePackage("good", "#!/usr/bin/env node\nconsole.log('ok');\n");
    execFileSync(process.execPath, [MARK], { cwd: dir });
    const built = join(dir, "dist", "main.js");
    expect(statSync(built).mode & 0o777).toBe(0o755);
    // Runs directly, as systemd or a /usr/local/bin symlink would run it.
    expect(execFileSync(built, { encoding: "utf8" }).trim()).toBe("ok");
  });

  it("refuses a bin without a #! line instead of making an unrunnable file executable", () => {
    const dir = fakePackage("bad", "console.log('no shebang');\n");
    const run = spawnSync(process.execPath, [MARK], { cwd: dir, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("no #! line");
    expect(statSync(join(dir, "dist", "main.js")).mode & 0o777).toBe(0o644);
  });
});
