import { type ErrorCode, RhcError } from "@rhc/errors";
import type { ListVerifier } from "../downlink/list-signature.js";
import type { AckOutcome } from "../outbox/outbox.js";
import type { PlatformClient } from "../platform/client.js";
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from "../platform/wire.js";
import type { SettlementService } from "../settlement/settlement-service.js";
import { recordClockOffset } from "../status/clock-offset.js";
import type { SyncStatus } from "../status/status.js";
import type { SyncStore } from "../store/sync-store.js";
import type { Random } from "../util/clock.js";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from "./backoff.js";

const MAX_RETRY_AFTER_MS = 3600_000;

export interface DeliveryOptions {
  store: SyncStore;
  client: PlatformClient;
  /** Verifier of signed downlink lists; without it the hotlist is not refreshed. */
  verifier?: ListVerifier;
  /** Issuer key ids whose CRLs are kept current (D3). */
  crlIssuers?: readonly string[];
  /** Requested reversals and unresolved settlements are retried with the downlinks. */
  settlement?: SettlementService;
  random?: Random;
  backoff?: Partial<BackoffPolicy>;
  maxBatchEvents?: number;
  maxBatchBytes?: number;
  /** Periodic uplink attempt when idle, so events from other writers are never left behind (60 s). */
  periodicMs?: number;
  /** Downlink refresh period (5 min). */
  downlinkIntervalMs?: number;
  /** Watchdog tick (30 s); it restarts a sender idle for more than 2× the backoff cap with work pending. */
  watchdogMs?: number;
  /** The first attempt waits a random time below this (many terminals restarting together). */
  startJitterMs?: number;
}

export type DeliveryEvent =
  | { type: "attempt"; batchId: string; events: number; bytes: number }
  | { type: "ack"; batchId: string; outcome: AckOutcome }
  | { type: "error"; code: ErrorCode; detail: string; retryInMs: number }
  | { type: "idle" }
  | { type: "downlink"; ok: boolean; code?: ErrorCode }
  | { type: "watchdog" };

export interface Delivery {
  /** Try now (e.g. after the operator pressed "sync"); does not reset the backoff. */
  kick(): void;
  /** The network is back: reset the backoff, send and refresh downlinks at once. */
  networkUp(): void;
  refreshDownlinks(): Promise<void>;
  onChange(listener: (event: DeliveryEvent, status: () => SyncStatus) => void): () => void;
  /** Resolves when the queue is empty (or rejects after timeoutMs). */
  drained(timeoutMs?: number): Promise<void>;
  readonly stats: { attempts: number; acks: number; errors: number; watchdogRestarts: number };
  stop(): Promise<void>;
}

/**
 * The sender: batches (≤ 500 events / 1 MB, gzip), acks applied transactionally, exponential
 * backoff with full jitter capped at 10 min, 429/Retry-After honoured, immediate retry on start and
 * on network-up, a periodic timer and a watchdog. Memory is O(batch), never O(backlog).
 */
export function startDelivery(options: DeliveryOptions): Delivery {
  const { store, client } = options;
  const ctx = store.context;
  const random = options.random ?? ctx.random;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  const maxEvents = Math.min(options.maxBatchEvents ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS);
  const maxBytes = Math.min(options.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  const periodicMs = options.periodicMs ?? 60_000;
  const listeners = new Set<(e: DeliveryEvent, s: () => SyncStatus) => void>();
  const stats = { attempts: 0, acks: 0, errors: 0, watchdogRestarts: 0 };
  const abort = new AbortController();

  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  // Monotonic (performance.now) so a jumping wall clock cannot fool the watchdog.
  let lastAttemptMono = performance.now();
  // When the scheduled retry is due: a long Retry-After is a plan, not a stall.
  let dueMono = 0;

  const emit = (e: DeliveryEvent) => {
    for (const l of listeners) {
      try {
        l(e, () => store.status());
      } catch {
        // a listener's bug must not stop delivery
      }
    }
  };

  /** Status bookkeeping, several keys in one transaction (one fsync). */
  const record = (values: Record<string, unknown>) => {
    try {
      ctx.write("delivery status", () => {
        for (const [key, value] of Object.entries(values)) ctx.meta.set(key, value);
      });
    } catch {
      // status bookkeeping failing (disk full) must not mask the delivery error itself
    }
  };

  /** Failed exchanges are audited too (code, platform request id), not only the successful ones. */
  const audit = (kind: string, e: RhcError, extra: Record<string, unknown>) => {
    try {
      ctx.write("delivery audit", () =>
        ctx.audit.append(kind, e.code, {
          detail: e.detail ?? e.message,
          requestId: e.data?.requestId ?? null,
          ...extra,
        }),
      );
    } catch {
      // a full disk must not turn a network error into a crash of the loop
    }
  };

  const schedule = (ms: number, retry = false) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    dueMono = retry ? performance.now() + ms : 0;
    timer = setTimeout(() => {
      timer = undefined;
      run();
    }, ms);
  };

  async function cycle(): Promise<void> {
    for (;;) {
      if (stopped) return;
      if (!store.outbox.isAnchored()) {
        const cursor = await client.anchor(abort.signal);
        store.outbox.anchor(cursor.highestSeq);
      }
      const batch = store.outbox.nextBatch(maxEvents, maxBytes);
      if (!batch) {
        attempt = 0;
        emit({ type: "idle" });
        schedule(periodicMs);
        return;
      }
      stats.attempts++;
      lastAttemptMono = performance.now();
      record({ "delivery.lastAttemptAt": ctx.clock.now() });
      emit({ type: "attempt", batchId: batch.batchId, events: batch.events.length, bytes: batch.bytes });
      const res = await client.sendEvents(
        { batchId: batch.batchId, sentAt: new Date(ctx.clock.now()).toISOString(), events: batch.events },
        abort.signal,
      );
      const outcome = store.outbox.applyAck(batch, res);
      stats.acks++;
      const anomaly = outcome.unknownIds.length > 0;
      record({
        "delivery.lastSuccessAt": ctx.clock.now(),
        "delivery.lastError": anomaly
          ? {
              code: "PLATFORM_BAD_RESPONSE",
              detail: `ack named ${outcome.unknownIds.length} unknown event ids (ignored)`,
              at: ctx.clock.now(),
            }
          : null,
      });
      emit({ type: "ack", batchId: batch.batchId, outcome });
      if (outcome.acked === 0) {
        throw new RhcError("PLATFORM_BAD_RESPONSE", {
          detail: `no progress: platform acked through ${res.ackedThroughSeq}, batch ${batch.fromSeq}–${batch.toSeq}`,
        });
      }
      attempt = 0;
    }
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    running = cycle()
      .catch((err: unknown) => {
        if (stopped) return;
        const e = err instanceof RhcError ? err : new RhcError("INTERNAL", { detail: String(err), cause: err });
        attempt++;
        stats.errors++;
        const retryAfter = typeof e.data?.retryAfterMs === "number" ? e.data.retryAfterMs : undefined;
        // Retry-After is the platform's explicit instruction: honoured even beyond the backoff cap
        // (bounded to an hour against a broken header).
        const jitter = backoffDelay(attempt, policy, random);
        const delay = retryAfter === undefined ? jitter : Math.min(MAX_RETRY_AFTER_MS, Math.max(retryAfter, jitter));
        record({ "delivery.lastError": { code: e.code, detail: e.detail ?? e.message, at: ctx.clock.now() } });
        audit("delivery.error", e, { attempt, retryInMs: delay });
        emit({ type: "error", code: e.code, detail: e.detail ?? e.message, retryInMs: delay });
        schedule(delay, true);
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          if (attempt === 0) run();
        }
      });
  }

  // ---- downlinks ----------------------------------------------------------------------------
  let downlinkTimer: NodeJS.Timeout | undefined;
  let downlinkRunning: Promise<void> | undefined;
  let downlinkAttempt = 0;
  const downlinkMs = options.downlinkIntervalMs ?? 5 * 60_000;

  async function downlinkCycle(): Promise<void> {
    const sentAt = ctx.clock.now();
    const t = await client.time(abort.signal);
    recordClockOffset(ctx, { sentAt, receivedAt: ctx.clock.now(), serverTime: t.serverTime });
    if (options.verifier) await store.hotlist.refresh(client, options.verifier, abort.signal);
    if (options.crlIssuers?.length) await store.crl.refresh(client, options.crlIssuers, abort.signal);
    if (options.settlement) await options.settlement.recover();
  }

  function refreshDownlinks(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (downlinkRunning) return downlinkRunning;
    if (downlinkTimer) clearTimeout(downlinkTimer);
    downlinkRunning = downlinkCycle()
      .then(() => {
        downlinkAttempt = 0;
        record({ "downlink.lastError": null });
        emit({ type: "downlink", ok: true });
        return downlinkMs;
      })
      .catch((err: unknown) => {
        const e = err instanceof RhcError ? err : new RhcError("INTERNAL", { detail: String(err), cause: err });
        downlinkAttempt++;
        record({ "downlink.lastError": { code: e.code, detail: e.detail ?? e.message, at: ctx.clock.now() } });
        audit("downlink.error", e, { attempt: downlinkAttempt });
        emit({ type: "downlink", ok: false, code: e.code });
        return Math.min(downlinkMs, backoffDelay(downlinkAttempt, policy, random));
      })
      .then((next) => {
        downlinkRunning = undefined;
        if (!stopped) downlinkTimer = setTimeout(() => void refreshDownlinks(), next);
      });
    return downlinkRunning;
  }

  // ---- watchdog -----------------------------------------------------------------------------
  const watchdog = setInterval(() => {
    if (stopped || running) return;
    const since = performance.now() - Math.max(lastAttemptMono, dueMono);
    if (store.outbox.depth() > 0 && since > 2 * policy.capMs) {
      stats.watchdogRestarts++;
      ctx.write("watchdog audit", () =>
        ctx.audit.append("delivery.watchdog", "restart", { depth: store.outbox.depth() }),
      );
      emit({ type: "watchdog" });
      attempt = 0;
      run();
    }
  }, options.watchdogMs ?? 30_000);

  // Wake an idle sender on append; a sender in backoff keeps its schedule (no hammering). Deferred to
  // a macrotask: an append inside a caller's transaction is not committed yet, and must not be sent.
  let wake: NodeJS.Immediate | undefined;
  const unsubscribe = store.outbox.onAppend(() => {
    wake ??= setImmediate(() => {
      wake = undefined;
      if (attempt === 0) run();
    });
  });

  // Immediate attempt on start (the "queue waits for the next write" bug must not exist).
  if (options.startJitterMs) schedule(Math.floor(random.next() * options.startJitterMs));
  else run();
  void refreshDownlinks();

  return {
    kick: run,
    networkUp() {
      attempt = 0;
      downlinkAttempt = 0;
      run();
      void refreshDownlinks();
    },
    refreshDownlinks,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    drained(timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        if (store.outbox.depth() === 0) return resolve();
        const done = (err?: Error) => {
          clearTimeout(t);
          off();
          err ? reject(err) : resolve();
        };
        const t = setTimeout(
          () =>
            done(
              new RhcError("PLATFORM_TIMEOUT", {
                detail: `queue not drained in ${timeoutMs} ms (depth ${store.outbox.depth()})`,
              }),
            ),
          timeoutMs,
        );
        const off = this.onChange(() => {
          if (store.outbox.depth() === 0) done();
        });
      });
    },
    stats,
    async stop() {
      stopped = true;
      abort.abort();
      unsubscribe();
      if (wake) clearImmediate(wake);
      clearInterval(watchdog);
      if (timer) clearTimeout(timer);
      if (downlinkTimer) clearTimeout(downlinkTimer);
      await Promise.allSettled([running, downlinkRunning]);
      if (downlinkTimer) clearTimeout(downlinkTimer);
    },
  };
}
