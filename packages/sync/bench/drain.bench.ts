// Drain of a large backlog (default 1,000,000 events; RHC_DRAIN_EVENTS overrides) from the outbox to
// the platform sandbox on loopback, with the sender's RSS sampled during the drain. Baseline, same
// run, same sandbox: a bare HTTP loop posting pre-built gzip batches of 500 fresh events (no outbox).
// Goals: flat sender memory under 200 MB; the ratio shows what the sync layer costs over the wire.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { report } from "@rhc/benchmark";
import { spawnSandbox } from "@rhc/platform-sandbox";
import {
  canonicalJson,
  createPlatformClient,
  openSyncStore,
  sha256Hex,
  startDelivery,
  systemClock,
  systemRandom,
  uuidv7,
} from "../src/index.js";

const TOTAL = Number(process.env.RHC_DRAIN_EVENTS ?? 1_000_000);
const BASELINE = Math.min(TOTAL, 200_000);
const dir = mkdtempSync(join(tmpdir(), "rhc-bench-drain-"));
const tokens = { DRAIN: "drain-terminal-token", BARE: "bare-terminal-token" };
const MB = 1024 * 1024;

const cardNo = "HC11010100000001";
const payload = { cardNo, purpose: "registration" as const, genuine: true, hotlist: "clear" as const };
const input = {
  type: "card.read" as const,
  aggregate: { kind: "card", id: cardNo },
  subject: { cardNo },
  actor: { kind: "operator" as const, id: "op-bench" },
  payload,
};

const sandbox = await spawnSandbox({ dbPath: join(dir, "platform.db"), seed: false, terminals: tokens });
const { url } = sandbox;
try {
  // ---- fill the backlog (10k events per transaction: the fill is not what is measured) ----------
  const store = openSyncStore({ path: join(dir, "outbox.db"), terminalId: "DRAIN" });
  const fillStart = performance.now();
  for (let done = 0; done < TOTAL; ) {
    const n = Math.min(10_000, TOTAL - done);
    store.context.db.transaction(() => {
      for (let i = 0; i < n; i++) store.outbox.append(input);
    })();
    done += n;
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  global.gc?.();

  // ---- baseline: bare POST loop of pre-built batches, built lazily (memory O(batch)) ------------
  const hash = sha256Hex(canonicalJson(payload));
  const bareBatch = (from: number) => {
    const events = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({
        eventId: uuidv7(systemClock, systemRandom),
        seq: from + i,
        type: "card.read",
        occurredAt: new Date().toISOString(),
        mono: systemClock.mono(),
        aggregate: input.aggregate,
        subject: input.subject,
        actor: input.actor,
        listVersions: {},
        payload,
        payloadSha256: hash,
      }),
    );
    return gzipSync(
      `{"batchId":"${uuidv7(systemClock, systemRandom)}","sentAt":"${new Date().toISOString()}","events":[${events.join(",")}]}`,
    );
  };
  const bareStart = performance.now();
  for (let seq = 1; seq <= BASELINE; seq += 500) {
    const res = await fetch(`${url}/v1/terminals/BARE/events:batch`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.BARE}`,
        "content-type": "application/json",
        "content-encoding": "gzip",
      },
      body: bareBatch(seq),
    });
    if (res.status !== 200) throw new Error(`bare batch: HTTP ${res.status}`);
    await res.arrayBuffer();
  }
  const bareRate = BASELINE / ((performance.now() - bareStart) / 1000);

  // ---- the drain -------------------------------------------------------------------------------
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  const client = createPlatformClient({ baseUrl: url, terminalId: "DRAIN", token: tokens.DRAIN, timeoutMs: 60_000 });
  const drainStart = performance.now();
  const delivery = startDelivery({ store, client, backoff: { baseMs: 100, capMs: 2000 } });
  await delivery.drained(30 * 60_000);
  const drainSeconds = (performance.now() - drainStart) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  await delivery.stop();
  if (store.status().queueDepth !== 0) throw new Error("backlog not drained");
  store.close();

  report({
    name: "sync.drain-backlog",
    unit: "events/s",
    value: TOTAL / drainSeconds,
    baseline: bareRate,
    samples: TOTAL,
    note: `drain of a ${TOTAL}-event outbox backlog to the sandbox on loopback (batches ≤ 500 / 1 MB, gzip, acks applied transactionally) vs a bare HTTP loop posting pre-built gzip batches of fresh events to the same sandbox`,
    details: {
      drainSeconds: Math.round(drainSeconds),
      fillSeconds: Math.round(fillSeconds),
      batches: delivery.stats.acks,
      senderRssStartMB: Math.round(rssStart / MB),
      senderRssPeakMB: Math.round(rssPeak / MB),
    },
  });
  report({
    name: "sync.drain-sender-peak-rss",
    unit: "MB",
    value: rssPeak / MB,
    baseline: rssStart / MB,
    samples: TOTAL,
    note: "peak RSS of the sender during the drain vs its RSS when the drain started (same process); goal: flat, under 200 MB",
  });
} finally {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}
