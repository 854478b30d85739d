// Durable single-event append vs a bare better-sqlite3 INSERT of the same row, same run. Goal: ratio ≥ 0.9.
//
// Measured side, one call = `store.outbox.append(input)`: validation of the envelope and the payload,
// UUIDv7, canonical JSON + SHA-256 of the payload, the JSON body, then BEGIN IMMEDIATE, the gap-free
// seq (derived from the rows) and the INSERT, COMMIT — returns after COMMIT.
// Baseline side, one call = BEGIN IMMEDIATE, one prepared INSERT of the same body into a table of the same
// shape (event_id: the next of a list of UUIDv7 made before the run, so its UNIQUE index sees the same
// time-ordered keys at no cost to the call; created_at: Date.now()), COMMIT. Nothing else.
// Both: their own SQLite file in the same directory, the store's pragmas (WAL, synchronous=FULL), one
// fsync per COMMIT, synchronous calls on the same thread.
//
// Fairness: the two sides alternate in rounds of ROUND calls (the side going first alternates too), so
// fsync latency of the shared VM disk and other load hit both alike; the figure is the median call time
// (fsync outliers are heavy-tailed). CPU time (process.cpuUsage, user + system, all threads) is summed per
// side round by round. A second pass with synchronous=OFF on fresh files (no fsync) isolates the CPU cost
// of each side: `overheadCpuUs` is what append costs over the bare INSERT.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, stats } from "@rhc/benchmark";
import Database from "better-sqlite3";
import { openSyncStore, STORE_PRAGMAS, systemClock, systemRandom, Uuidv7Generator } from "../src/index.js";

const ROUND = 10;
const ROUNDS = Number(process.env.RHC_APPEND_ROUNDS ?? 600);
const WARMUP = 500;

const cardNo = "HC11010100000001";
const input = {
  type: "card.read" as const,
  aggregate: { kind: "card", id: cardNo },
  subject: { cardNo, idNo: "11010519491231002X" },
  actor: { kind: "operator" as const, id: "op-bench", name: "张伟" },
  listVersions: { hotlist: 1234 },
  payload: { cardNo, purpose: "registration" as const, genuine: true, hotlist: "clear" as const },
};

interface Pair {
  append: () => unknown;
  bare: () => unknown;
  rowBytes: number;
  close(): void;
}

function openPair(dir: string, synchronous: "FULL" | "OFF", calls: number): Pair {
  const store = openSyncStore({ path: join(dir, "outbox.db"), terminalId: "BENCH", checkpointIntervalMs: 0 });
  const bare = new Database(join(dir, "bare.db"));
  for (const p of STORE_PRAGMAS) bare.pragma(p);
  if (synchronous === "OFF") for (const db of [store.context.db, bare]) db.pragma("synchronous = OFF");
  // The same row shape as the outbox table: what a hand-written insert of the same data would write.
  bare.exec(
    "CREATE TABLE t (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL, bytes INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT",
  );
  const insert = bare.prepare(
    "INSERT INTO t (event_id, type, body, bytes, created_at) VALUES (?, 'card.read', ?, ?, ?)",
  );
  const bareTxn = bare.transaction((id: string, body: string) => insert.run(id, body, body.length, Date.now()));
  store.outbox.append(input);
  const sample = store.context.db.prepare("SELECT body FROM outbox LIMIT 1").get() as { body: string };
  const body = sample.body; // the same bytes the outbox stores
  const gen = new Uuidv7Generator(systemClock, systemRandom);
  const ids = Array.from({ length: calls }, () => gen.next());
  let next = 0;
  return {
    append: () => store.outbox.append(input),
    bare: () => bareTxn.immediate(ids[next++]!, body),
    rowBytes: Buffer.byteLength(body),
    close() {
      store.close();
      bare.close();
    },
  };
}

interface Side {
  us: number[];
  cpuUs: number;
}

/** Alternating rounds; per-call wall time in µs and the side's total CPU time. */
function interleave(pair: Pair, rounds: number): { append: Side; bare: Side } {
  const sides = { append: { us: [], cpuUs: 0 } as Side, bare: { us: [], cpuUs: 0 } as Side };
  for (let i = 0; i < WARMUP; i++) {
    pair.append();
    pair.bare();
  }
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? (["append", "bare"] as const) : (["bare", "append"] as const)) {
      const fn = pair[name];
      const side = sides[name];
      const cpu = process.cpuUsage();
      for (let i = 0; i < ROUND; i++) {
        const t = process.hrtime.bigint();
        fn();
        side.us.push(Number(process.hrtime.bigint() - t) / 1000);
      }
      const d = process.cpuUsage(cpu);
      side.cpuUs += d.user + d.system;
    }
  }
  return sides;
}

function run(synchronous: "FULL" | "OFF", rounds: number) {
  const dir = mkdtempSync(join(tmpdir(), "rhc-bench-append-"));
  try {
    const pair = openPair(dir, synchronous, WARMUP + rounds * ROUND);
    try {
      const s = interleave(pair, rounds);
      return {
        append: stats(s.append.us),
        bare: stats(s.bare.us),
        appendCpuUs: s.append.cpuUs / s.append.us.length,
        bareCpuUs: s.bare.cpuUs / s.bare.us.length,
        rowBytes: pair.rowBytes,
      };
    } finally {
      pair.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const durable = run("FULL", ROUNDS);
const cpuOnly = run("OFF", ROUNDS);
const r1 = (v: number) => Math.round(v * 10) / 10;
report({
  name: "sync.append-durable",
  unit: "events/s",
  value: 1e6 / durable.append.median,
  baseline: 1e6 / durable.bare.median,
  samples: durable.append.count,
  note: "durable single-event appends/s, median call (WAL + synchronous=FULL, one COMMIT each): outbox.append vs bare better-sqlite3 INSERT of the same row, same pragmas, interleaved in rounds of 10; goal ratio ≥ 0.9",
  details: {
    appendP50us: r1(durable.append.median),
    bareP50us: r1(durable.bare.median),
    appendP90us: r1(durable.append.p90),
    bareP90us: r1(durable.bare.p90),
    appendP99us: r1(durable.append.p99),
    bareP99us: r1(durable.bare.p99),
    meanRatio: Math.round((durable.bare.mean / durable.append.mean) * 1000) / 1000,
    appendCpuUs: r1(durable.appendCpuUs),
    bareCpuUs: r1(durable.bareCpuUs),
    appendCpuUsNoSync: r1(cpuOnly.appendCpuUs),
    bareCpuUsNoSync: r1(cpuOnly.bareCpuUs),
    overheadCpuUs: r1(cpuOnly.appendCpuUs - cpuOnly.bareCpuUs),
    appendP50usNoSync: r1(cpuOnly.append.median),
    bareP50usNoSync: r1(cpuOnly.bare.median),
    rowBytes: durable.rowBytes,
    cpu: "process.cpuUsage user+system per call, all threads; NoSync = same loop with synchronous=OFF on fresh files",
  },
});
