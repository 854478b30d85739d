export { BENCH_DIR, type BenchResult, type Machine, machine, report } from "./result.js";
export { rate, type Stats, stats, timeEach, timePair } from "./stats.js";
