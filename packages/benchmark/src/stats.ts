/** Summary statistics of a sample of durations or rates. */
export interface Stats {
  count: number;
  min: number;
  median: number;
  mean: number;
  p90: number;
  p99: number;
  max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    median: quantile(sorted, 0.5),
    mean: sorted.reduce((s, v) => s + v, 0) / (sorted.length || 1),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Times `fn` `samples` times after `warmup` calls; returns durations in microseconds. */
export async function timeEach(fn: () => unknown, options: { samples: number; warmup?: number }): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const start = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return out;
}

/**
 * Interleaves the measured and the baseline function in alternating rounds so that machine noise
 * (other processes, CPU frequency) hits both equally; returns both samples in microseconds.
 */
export async function timePair(
  measured: () => unknown,
  baseline: () => unknown,
  options: { rounds: number; perRound: number; warmup?: number },
): Promise<{ measured: number[]; baseline: number[] }> {
  const result = { measured: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < (options.warmup ?? 0); i++) {
    await measured();
    await baseline();
  }
  for (let r = 0; r < options.rounds; r++) {
    const first = r % 2 === 0;
    for (const which of first ? (["m", "b"] as const) : (["b", "m"] as const)) {
      const fn = which === "m" ? measured : baseline;
      result[which === "m" ? "measured" : "baseline"].push(...(await timeEach(fn, { samples: options.perRound })));
    }
  }
  return result;
}

/** Runs `fn` repeatedly for `seconds` and returns operations per second. */
export async function rate(fn: () => unknown, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}
