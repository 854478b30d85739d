#!/usr/bin/env node
// Builds every workspace package to dist/ in dependency order (tests and the dev loop run the
// TypeScript sources directly; dist/ is what the CLIs, the agent service and the demo run).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const order = [
  "packages/errors",
  "packages/benchmark",
  "packages/crypto",
  "packages/card-protocol",
  "packages/card-sim",
  "packages/sync",
  "apps/platform-sandbox",
  "apps/terminal-agent",
  "apps/issuer-desktop",
];

for (const dir of order) {
  const pkg = join(root, dir);
  if (!existsSync(join(pkg, "src", "index.ts"))) continue;
  const started = Date.now();
  execFileSync("pnpm", ["--silent", "run", "build"], { cwd: pkg, stdio: "inherit" });
  console.log(`built ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
