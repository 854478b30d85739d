import type { ErrorCode } from "@rhc/errors";
import type { CrlStore } from "../downlink/crl-store.js";
import type { Hotlist } from "../downlink/hotlist.js";
import type { Outbox } from "../outbox/outbox.js";
import type { StoreAlert, StoreContext } from "../store/context.js";
import { type ClockOffset, readClockOffset } from "./clock-offset.js";

export interface LastError {
  code: ErrorCode;
  detail: string;
  at: number;
}

/** Observability per terminal (guarantee 12). Everything is read from the store: no hidden state. */
export interface SyncStatus {
  terminalId: string;
  queueDepth: number;
  oldestPendingAgeMs: number | null;
  lastSeq: number;
  ackedThroughSeq: number;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: LastError | null;
  /** Last downlink failure (time, hotlist, CRL, settlement recovery), e.g. SIGNATURE_INVALID. */
  lastDownlinkError: LastError | null;
  deadLetters: number;
  listVersions: { hotlist: number | null; hotlistAgeMs: number | null; crl: Record<string, string> };
  clock: ClockOffset | null;
  alerts: StoreAlert[];
  walBytes: number;
}

export function readStatus(
  ctx: StoreContext,
  parts: { outbox: Outbox; hotlist: Hotlist; crl: CrlStore; walBytes: () => number },
): SyncStatus {
  const now = ctx.clock.now();
  const oldest = parts.outbox.oldestPendingAt();
  const hl = parts.hotlist.state();
  return {
    terminalId: ctx.terminalId,
    queueDepth: parts.outbox.depth(),
    oldestPendingAgeMs: oldest === undefined ? null : Math.max(0, now - oldest),
    lastSeq: parts.outbox.lastSeq(),
    ackedThroughSeq: parts.outbox.ackedThroughSeq(),
    lastAttemptAt: ctx.meta.get<number>("delivery.lastAttemptAt") ?? null,
    lastSuccessAt: ctx.meta.get<number>("delivery.lastSuccessAt") ?? null,
    lastError: ctx.meta.get<LastError>("delivery.lastError") ?? null,
    lastDownlinkError: ctx.meta.get<LastError>("downlink.lastError") ?? null,
    deadLetters: parts.outbox.deadLetterCount(),
    listVersions: {
      hotlist: hl.listVersion,
      hotlistAgeMs: hl.refreshedAt === null ? null : Math.max(0, now - hl.refreshedAt),
      crl: parts.crl.versions(),
    },
    clock: readClockOffset(ctx),
    alerts: ctx.meta.get<StoreAlert[]>("alerts") ?? [],
    walBytes: parts.walBytes(),
  };
}
