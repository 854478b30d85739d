// Durable single-event append: outbox.append (validation, UUIDv7, payload hash, seq, BEGIN IMMEDIATE,
// COMMIT with WAL + synchronous=FULL) vs a bare better-sqlite3 INSERT of the same row into a table of
// the same shape, with the same pragmas, one transaction each, interleaved in the same run. Goal: ratio ≥ 0.9.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, stats, timePair } from "@rhc/benchmark";
import Database from "better-sqlite3";
import { openSyncStore, STORE_PRAGMAS } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rhc-bench-append-"));
try {
  const store = openSyncStore({ path: join(dir, "outbox.db"), terminalId: "BENCH", checkpointIntervalMs: 0 });
  const bare = new Database(join(dir, "bare.db"));
  for (const p of STORE_PRAGMAS) bare.pragma(p);
  // The same row shape as the outbox table: what a hand-written insert of the same data would write.
  bare.exec(
    "CREATE TABLE t (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL, bytes INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT",
  );
  const insert = bare.prepare(
    "INSERT INTO t (event_id, type, body, bytes, created_at) VALUES (?, 'card.read', ?, ?, ?)",
  );
  const bareTxn = bare.transaction((id: string, body: string) => insert.run(id, body, body.length, Date.now()));

  const cardNo = "HC11010100000001";
  const input = {
    type: "card.read" as const,
    aggregate: { kind: "card", id: cardNo },
    subject: { cardNo, idNo: "11010519491231002X" },
    actor: { kind: "operator" as const, id: "op-bench", name: "张伟" },
    listVersions: { hotlist: 1234 },
    payload: { cardNo, purpose: "registration" as const, genuine: true, hotlist: "clear" as const },
  };
  store.outbox.append(input);
  const sample = store.context.db.prepare("SELECT body FROM outbox LIMIT 1").get() as { body: string };
  const body = sample.body; // the same bytes the outbox stores

  const { measured, baseline } = await timePair(
    () => store.outbox.append(input),
    () => bareTxn.immediate(randomUUID(), body),
    { rounds: 40, perRound: 100, warmup: 100 },
  );
  const m = stats(measured);
  const b = stats(baseline);
  report({
    name: "sync.append-durable",
    unit: "events/s",
    // Median commit time: fsync latency on a VM disk has heavy outliers that hit both sides.
    value: 1e6 / m.median,
    baseline: 1e6 / b.median,
    samples: m.count,
    note: "durable single-event appends/s (WAL + synchronous=FULL, one COMMIT each): outbox.append vs bare better-sqlite3 INSERT, same pragmas; goal ratio ≥ 0.9",
    details: {
      appendMeanPerS: Math.round(1e6 / m.mean),
      bareMeanPerS: Math.round(1e6 / b.mean),
      appendP50us: m.median,
      appendP99us: m.p99,
      bareP50us: b.median,
      bareP99us: b.p99,
      rowBytes: Buffer.byteLength(body),
    },
  });
  store.close();
  bare.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
