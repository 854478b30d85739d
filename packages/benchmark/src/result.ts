import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

/**
 * One benchmark figure, always next to a baseline measured in the same run. `ratio` is
 * value / baseline, so its meaning (lower or higher is better) follows `unit` and is stated in `note`.
 */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  ratio: number;
  samples: number;
  machine: Machine;
  /** When the figure was measured (ISO 8601): the summary marks figures older than its own run. */
  measuredAt: string;
  /** What value and baseline are, and the goal, in one sentence. */
  note?: string;
  /** Extra figures (p99, APDU counts, ...). */
  details?: Record<string, number | string>;
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function repoRoot(): string {
  // src/ or dist/ of packages/benchmark → repository root
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

export const BENCH_DIR = process.env.RHC_BENCH_DIR ?? join(repoRoot(), "bench-results");

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000);

/** Writes bench-results/<name>.json and prints the one-line summary. */
export function report(
  result: Omit<BenchResult, "ratio" | "machine" | "measuredAt"> & { ratio?: number },
): BenchResult {
  const full: BenchResult = {
    ...result,
    value: round(result.value),
    baseline: round(result.baseline),
    ratio: round(result.ratio ?? result.value / result.baseline),
    machine: machine(),
    measuredAt: new Date().toISOString(),
  };
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(join(BENCH_DIR, `${full.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  console.log(
    `[bench] ${full.name}: ${full.value} ${full.unit} vs baseline ${full.baseline} ${full.unit} → ratio ${full.ratio} (n=${full.samples})${full.note ? ` — ${full.note}` : ""}`,
  );
  return full;
}
