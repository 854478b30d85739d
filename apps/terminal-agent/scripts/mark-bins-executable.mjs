#!/usr/bin/env node
// Marks the package's `bin` targets executable (0755) after tsc, which writes 0644 files: the built
// CLI can then be run directly (./dist/cli/main.js) from the build tree or a `pnpm deploy` copy,
// not only through the links npm/pnpm make. Reads the package.json of the working directory.
import { chmodSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const targets = typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const target of targets) {
  const path = resolve(target);
  if (!readFileSync(path, "utf8").startsWith("#!")) {
    console.error(`${target}: no #! line; a bin must start with #!/usr/bin/env node`);
    process.exit(1);
  }
  chmodSync(path, 0o755);
}
