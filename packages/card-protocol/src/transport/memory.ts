import { RhcError } from "@rhc/errors";
import type {
  CardConnection,
  CardTransport,
  Disposition,
  Protocol,
  ReaderStatus,
  ShareMode,
  WaitOptions,
} from "./types.js";

/** A card living in memory: anything that answers raw APDUs. */
export interface MemoryCard {
  readonly atr: Uint8Array;
  transmit(command: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Called when the card is inserted or reset, so it can clear its volatile state. */
  reset?(): void;
}

interface Slot {
  card: MemoryCard | undefined;
  /** Bumped on every insertion/removal, like pcsc-lite's event counter. */
  events: number;
  connections: Set<MemoryConnection>;
}

/**
 * In-memory `CardTransport` for unit tests of pure logic (sessions, pipeline processors). It
 * reproduces the behaviour callers depend on: sharing violations, removal during a session, state
 * change notification; anything touching PC/SC itself is tested through `PcscTransport`.
 */
export class MemoryTransport implements CardTransport {
  readonly kind = "memory" as const;
  private readonly slots = new Map<string, Slot>();
  private waiters = new Set<() => void>();
  private available = true;

  constructor(readers: readonly string[] = []) {
    for (const name of readers) this.addReader(name);
  }

  /** Simulates the PC/SC service going away (`false`) and coming back (`true`). */
  setServiceAvailable(available: boolean): void {
    this.available = available;
    if (!available) for (const slot of this.slots.values()) for (const c of slot.connections) c.invalidate();
    this.notify();
  }

  addReader(name: string): void {
    if (!this.slots.has(name)) this.slots.set(name, { card: undefined, events: 0, connections: new Set() });
    this.notify();
  }

  removeReader(name: string): void {
    const slot = this.slots.get(name);
    if (!slot) return;
    for (const c of slot.connections) c.invalidate();
    this.slots.delete(name);
    this.notify();
  }

  insert(reader: string, card: MemoryCard): void {
    const slot = this.slot(reader);
    if (slot.card) this.remove(reader);
    card.reset?.();
    slot.card = card;
    slot.events++;
    this.notify();
  }

  remove(reader: string): void {
    const slot = this.slot(reader);
    if (!slot.card) return;
    for (const c of slot.connections) c.invalidate();
    slot.connections.clear();
    slot.card = undefined;
    slot.events++;
    this.notify();
  }

  private slot(reader: string): Slot {
    const slot = this.slots.get(reader);
    if (!slot) throw new RhcError("NO_READER", { detail: `reader "${reader}" is not connected` });
    return slot;
  }

  private ensureService(): void {
    if (!this.available) throw new RhcError("PCSC_UNAVAILABLE", { detail: "memory transport: service stopped" });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  private status(name: string, slot: Slot): ReaderStatus {
    const exclusive = [...slot.connections].some((c) => c.share === "exclusive");
    return {
      name,
      present: slot.card !== undefined,
      atr: slot.card?.atr,
      inUse: slot.connections.size > 0,
      exclusive,
      mute: false,
      unavailable: false,
      eventState: (slot.events << 16) | (slot.card ? 1 : 0) | (exclusive ? 2 : 0) | (slot.connections.size > 0 ? 4 : 0),
    };
  }

  private snapshot(): ReaderStatus[] {
    this.ensureService();
    return [...this.slots].map(([name, slot]) => this.status(name, slot));
  }

  async listReaders(): Promise<ReaderStatus[]> {
    return this.snapshot();
  }

  async waitForChange(since: readonly ReaderStatus[], options: WaitOptions): Promise<ReaderStatus[]> {
    const differs = (now: ReaderStatus[]) =>
      now.length !== since.length || now.some((r) => since.find((s) => s.name === r.name)?.eventState !== r.eventState);
    // Snapshot and waiter registration happen synchronously, so no change can slip in between.
    const now = this.snapshot();
    if (differs(now) || options.signal?.aborted) return now;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.timeoutMs);
      const wake = () => done();
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", wake);
        resolve();
      }
      options.signal?.addEventListener("abort", wake, { once: true });
      this.waiters.add(wake);
    });
    return this.listReaders();
  }

  async connect(reader: string, options: { share?: ShareMode } = {}): Promise<CardConnection> {
    this.ensureService();
    const slot = this.slot(reader);
    const card = slot.card;
    if (!card) throw new RhcError("NO_CARD", { detail: `reader "${reader}"` });
    const share = options.share ?? "shared";
    const others = [...slot.connections];
    if (others.some((c) => c.share === "exclusive") || (share === "exclusive" && others.length > 0)) {
      throw new RhcError("SHARING_VIOLATION", { detail: `reader "${reader}"` });
    }
    const connection = new MemoryConnection(reader, card, share, () => {
      slot.connections.delete(connection);
      this.notify();
    });
    slot.connections.add(connection);
    this.notify();
    return connection;
  }

  async close(): Promise<void> {
    for (const slot of this.slots.values()) for (const c of slot.connections) c.invalidate();
    this.notify();
  }
}

class MemoryConnection implements CardConnection {
  readonly protocol: Protocol = "T1";
  readonly atr: Uint8Array;
  private open = true;
  private valid = true;

  constructor(
    readonly reader: string,
    private readonly card: MemoryCard,
    readonly share: ShareMode,
    private readonly release: () => void,
  ) {
    this.atr = card.atr;
  }

  get connected(): boolean {
    return this.open && this.valid;
  }

  invalidate(): void {
    this.valid = false;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (!this.open || !this.valid) {
      throw new RhcError("CARD_REMOVED", { detail: `transmit on "${this.reader}": card removed or service stopped` });
    }
    return new Uint8Array(await this.card.transmit(command));
  }

  async disconnect(disposition: Disposition = "leave"): Promise<void> {
    if (!this.open) return;
    this.open = false;
    if (disposition !== "leave" && this.valid) this.card.reset?.();
    this.release();
  }
}
