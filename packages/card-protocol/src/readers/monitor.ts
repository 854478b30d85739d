import { setTimeout as sleep } from "node:timers/promises";
import { isRhcError, RhcError, toRhcError } from "@rhc/errors";
import type { CardTransport, ReaderStatus } from "../transport/types.js";
import { bytesEqual } from "../util/hex.js";
import {
  type AtrRule,
  type CardKind,
  DEFAULT_ATR_RULES,
  DEFAULT_PROBES,
  kindFromAtr,
  type ProbeRule,
} from "./card-kind.js";
import { probeKind } from "./probe.js";
import { ReaderRoles } from "./roles.js";

/** What the monitor knows about one reader. */
export interface ReaderState {
  readonly name: string;
  readonly role: string | undefined;
  readonly present: boolean;
  readonly atr: Uint8Array | undefined;
  readonly kind: CardKind | undefined;
  /** A card is in the reader but does not answer reset. */
  readonly mute: boolean;
}

export type ReaderEvent =
  | { readonly type: "reader-added"; readonly reader: string; readonly role: string | undefined }
  | { readonly type: "reader-removed"; readonly reader: string; readonly role: string | undefined }
  | {
      readonly type: "card-inserted";
      readonly reader: string;
      readonly role: string | undefined;
      readonly atr: Uint8Array;
      readonly kind: CardKind;
    }
  | { readonly type: "card-removed"; readonly reader: string; readonly role: string | undefined }
  | { readonly type: "card-mute"; readonly reader: string; readonly role: string | undefined }
  /** The PC/SC service went away; readers count as removed until `service-up`. */
  | { readonly type: "service-down"; readonly error: RhcError; readonly retryInMs: number }
  | { readonly type: "service-up" };

export type ReaderEventType = ReaderEvent["type"];
type EventOf<T extends ReaderEventType> = Extract<ReaderEvent, { type: T }>;

export type MonitorStatus = "stopped" | "starting" | "up" | "down";

export interface ReaderMonitorOptions {
  /** Reader roles from configuration (`{ resident: { patterns: ["^Resident"] } }`) or a ReaderRoles. */
  readonly roles?: unknown;
  /** Extra ATR rules, checked before the defaults. */
  readonly atrRules?: readonly AtrRule[];
  /** Application probes for unknown ATRs, or false to never touch the card. */
  readonly probes?: readonly ProbeRule[] | false;
  /** Bounded backoff while the PC/SC service is down. */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Longest single wait for a change; the loop re-lists readers after it (default 5 s). */
  readonly pollMs?: number;
}

/**
 * Watches readers and cards (after webcrypto-local's pcsc_watcher): readers appearing and going,
 * cards inserted (with ATR and kind) and removed, mute cards; survives pcscd stopping and coming
 * back with bounded backoff. Subscribe with `on(type, listener)` or iterate `events()`.
 */
export class ReaderMonitor {
  private readonly roles: ReaderRoles;
  private readonly atrRules: readonly AtrRule[];
  private readonly probes: readonly ProbeRule[] | false;
  private state = new Map<string, ReaderState>();
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private currentStatus: MonitorStatus = "stopped";

  constructor(
    private readonly transport: CardTransport,
    private readonly options: ReaderMonitorOptions = {},
  ) {
    this.roles = options.roles instanceof ReaderRoles ? options.roles : new ReaderRoles(options.roles ?? {});
    this.atrRules = [...(options.atrRules ?? []), ...DEFAULT_ATR_RULES];
    this.probes = options.probes === false ? false : (options.probes ?? DEFAULT_PROBES);
  }

  get status(): MonitorStatus {
    return this.currentStatus;
  }

  /** Starts watching (idempotent). Initial readers and cards are reported as added/inserted. */
  start(): this {
    if (this.loop) return this;
    this.controller = new AbortController();
    this.currentStatus = "starting";
    this.loop = this.run(this.controller.signal);
    return this;
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.loop;
    this.loop = undefined;
    this.currentStatus = "stopped";
  }

  readers(): ReaderState[] {
    return [...this.state.values()];
  }

  /** The first reader with `role` (and, if given, a card of `kind` in it). */
  reader(role: string, kind?: CardKind): ReaderState | undefined {
    return this.readers().find((r) => r.role === role && (kind === undefined || (r.present && r.kind === kind)));
  }

  /** Subscribes to one event type (or "*"); returns the unsubscribe function. */
  on<T extends ReaderEventType>(type: T | "*", listener: (event: EventOf<T>) => void): () => void {
    const wrapped = (event: ReaderEvent) => {
      if (type === "*" || event.type === type) listener(event as EventOf<T>);
    };
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  /**
   * Events as an async iterator. With `replay` (default) it starts with the current readers and
   * cards, so a late subscriber sees the same picture as an early one.
   */
  events(options: { signal?: AbortSignal; replay?: boolean } = {}): AsyncIterableIterator<ReaderEvent> {
    const queue: ReaderEvent[] = options.replay === false ? [] : this.replay();
    let wake: (() => void) | undefined;
    let done = false;
    const unsubscribe = this.on("*", (event) => {
      queue.push(event);
      wake?.();
    });
    const finish = () => {
      done = true;
      unsubscribe();
      wake?.();
    };
    options.signal?.addEventListener("abort", finish, { once: true });
    const iterator: AsyncIterableIterator<ReaderEvent> = {
      [Symbol.asyncIterator]: () => iterator,
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        const value = queue.shift();
        return value ? { value, done: false } : { value: undefined, done: true };
      },
      async return() {
        finish();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /** Resolves with the first event matching `predicate` (from now on), or TIMEOUT. */
  async waitFor<T extends ReaderEvent>(
    predicate: (event: ReaderEvent) => event is T,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
    try {
      for await (const event of this.events({ signal: controller.signal, replay: false })) {
        if (predicate(event)) return event;
      }
      throw new RhcError("TIMEOUT", { detail: "waiting for a reader event" });
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  /** A reader of `role` holding a card of `kind`, now or once one is inserted. */
  async waitForCard(role: string, kind?: CardKind, options: { timeoutMs?: number } = {}): Promise<ReaderState> {
    const now = this.reader(role, kind);
    if (now?.present) return now;
    const event = await this.waitFor(
      (e): e is EventOf<"card-inserted"> => e.type === "card-inserted" && e.role === role && (!kind || e.kind === kind),
      options,
    );
    return this.readers().find((r) => r.name === event.reader)!;
  }

  private replay(): ReaderEvent[] {
    return this.readers().flatMap((r): ReaderEvent[] => [
      { type: "reader-added", reader: r.name, role: r.role },
      ...(r.present && r.atr
        ? [{ type: "card-inserted", reader: r.name, role: r.role, atr: r.atr, kind: r.kind ?? "unknown" } as const]
        : []),
    ]);
  }

  private emit(event: ReaderEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not stop the monitor or the other subscribers.
      }
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const initial = this.options.backoff?.initialMs ?? 250;
    const max = this.options.backoff?.maxMs ?? 5000;
    let delay = initial;
    let readers: ReaderStatus[] | undefined;
    while (!signal.aborted) {
      try {
        readers = readers
          ? await this.transport.waitForChange(readers, { timeoutMs: this.options.pollMs ?? 5000, signal })
          : await this.transport.listReaders();
        if (signal.aborted) break;
        if (this.currentStatus === "down") this.emit({ type: "service-up" });
        this.currentStatus = "up";
        delay = initial;
        await this.apply(readers, signal);
      } catch (thrown) {
        if (signal.aborted) break;
        const error = toRhcError(thrown, "PCSC_ERROR");
        readers = undefined;
        if (this.currentStatus !== "down") {
          this.currentStatus = "down";
          this.emit({ type: "service-down", error, retryInMs: delay });
          this.forgetAll();
        }
        if (!isRhcError(error, "PCSC_UNAVAILABLE")) delay = Math.max(delay, initial);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, max);
      }
    }
  }

  /** While the service is down nothing is usable: report every card and reader as gone. */
  private forgetAll(): void {
    for (const r of this.state.values()) {
      if (r.present) this.emit({ type: "card-removed", reader: r.name, role: r.role });
      this.emit({ type: "reader-removed", reader: r.name, role: r.role });
    }
    this.state = new Map();
  }

  private async kindOf(status: ReaderStatus): Promise<CardKind> {
    const byAtr = kindFromAtr(status.atr!, this.atrRules);
    if (byAtr !== "unknown" || this.probes === false || status.inUse) return byAtr;
    // A probe selects applications and resets the card: with roles configured, only cards in this
    // desk's own readers are touched, never another program's card in a reader of no role.
    if (this.roles.configured && this.roles.roleOf(status.name) === undefined) return byAtr;
    return probeKind(this.transport, status.name, this.probes);
  }

  private async apply(readers: readonly ReaderStatus[], signal: AbortSignal): Promise<void> {
    const next = new Map<string, ReaderState>();
    for (const status of readers) {
      if (signal.aborted) return;
      const before = this.state.get(status.name);
      const role = this.roles.roleOf(status.name);
      if (!before) this.emit({ type: "reader-added", reader: status.name, role });
      const present = status.present && status.atr !== undefined;
      // A different ATR between two snapshots is another card (cardF makes resident ATRs unique).
      const swapped = before?.present === true && present && !bytesEqual(before.atr!, status.atr!);
      if (before?.present && (!present || swapped)) this.emit({ type: "card-removed", reader: status.name, role });
      let kind = before?.kind;
      if (present && (!before?.present || swapped)) {
        kind = await this.kindOf(status);
        this.emit({ type: "card-inserted", reader: status.name, role, atr: status.atr!, kind });
      }
      if (status.mute && !before?.mute) this.emit({ type: "card-mute", reader: status.name, role });
      next.set(status.name, {
        name: status.name,
        role,
        present,
        atr: present ? status.atr : undefined,
        kind: present ? kind : undefined,
        mute: status.mute,
      });
    }
    for (const [name, r] of this.state) {
      if (next.has(name)) continue;
      if (r.present) this.emit({ type: "card-removed", reader: name, role: r.role });
      this.emit({ type: "reader-removed", reader: name, role: r.role });
    }
    this.state = next;
  }
}
