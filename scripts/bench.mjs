#!/usr/bin/env node
// `pnpm bench [package…]`: runs every package's benchmark (or the named ones), then prints one table of
// every figure and ratio found in bench-results/ (each benchmark writes bench-results/<name>.json) and
// writes it to bench-results/SUMMARY.md. A full run starts from an empty directory, so a benchmark that
// was renamed or removed leaves no stale row; a partial run keeps the other figures and marks them
// with the time they were measured.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const resultsDir = join(root, "bench-results");
const only = process.argv.slice(2);

const started = new Date();
mkdirSync(resultsDir, { recursive: true });
if (only.length === 0) for (const f of readdirSync(resultsDir)) if (f.endsWith(".json")) rmSync(join(resultsDir, f));
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
  { cwd: root, stdio: "inherit" },
);

const results = readdirSync(resultsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(resultsDir, f), "utf8")))
  .sort((a, b) => a.name.localeCompare(b.name));

/** The goal as the note states it ("goal ratio ≤ 1.05", "goal ratio ≥ 0.9"), checked against the ratio. */
function goal(r) {
  const m = /goal(?: ratio)? ([≤≥]) ?([\d.]+)/.exec(r.note ?? "");
  if (!m) return "—";
  const limit = Number(m[2]);
  const met = m[1] === "≤" ? r.ratio <= limit : r.ratio >= limit;
  return `${m[1]} ${limit}: ${met ? "met" : "NOT met"}`;
}

const fresh = (r) => r.measuredAt && new Date(r.measuredAt) >= started;
const rows = results.map((r) => [
  r.name,
  `${r.value} ${r.unit}`,
  `${r.baseline} ${r.unit}`,
  String(r.ratio),
  goal(r),
  fresh(r) ? "this run" : (r.measuredAt ?? "unknown"),
  r.note ?? "",
]);
const header = ["benchmark", "value", "baseline", "ratio", "goal", "measured", "what"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
const table = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
const describe = (m) => `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}`;
const machines = [...new Set(results.map((r) => describe(r.machine)))];
const summary = `# Benchmark summary\n\nRun ${started.toISOString()} on ${machines.join("; ") || "unknown machine"}.\nEvery ratio is against a baseline measured in the same run as its figure (see each package's README for the method).\n\n${table}\n`;
writeFileSync(join(resultsDir, "SUMMARY.md"), summary);
console.log(`\n${summary}`);
