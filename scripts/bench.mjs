#!/usr/bin/env node
// `pnpm bench`: runs every package's benchmark, then prints one table of every figure and ratio
// found in bench-results/ (each benchmark writes bench-results/<name>.json).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const resultsDir = join(root, "bench-results");
const only = process.argv.slice(2);

const started = new Date();
execFileSync(
  "pnpm",
  [
    "-r",
    "--no-sort",
    "--workspace-concurrency=1",
    "--if-present",
    ...only.flatMap((p) => ["--filter", p]),
    "run",
    "bench",
  ],
  {
    cwd: root,
    stdio: "inherit",
  },
);

const results = readdirSync(resultsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(resultsDir, f), "utf8")))
  .sort((a, b) => a.name.localeCompare(b.name));

const rows = results.map((r) => [
  r.name,
  `${r.value} ${r.unit}`,
  `${r.baseline} ${r.unit}`,
  String(r.ratio),
  r.note ?? "",
]);
const header = ["benchmark", "value", "baseline", "ratio", "what"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
const table = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
const machine = results[0]?.machine;
const summary = `# Benchmark summary\n\nRun ${started.toISOString()} on ${machine ? `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}` : "unknown machine"}.\n\n${table}\n`;
writeFileSync(join(resultsDir, "SUMMARY.md"), summary);
console.log(`\n${summary}`);
