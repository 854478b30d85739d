import type { CardTransport, ReaderStatus } from "@rhc/card-protocol";
import { toHex } from "@rhc/card-protocol";
import { RhcError, type RhcProblem, toRhcError } from "@rhc/errors";
import type { AgentConfig, ReaderMatcher, ReaderRole } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../log/logger.js";
import type { VirtualReaderDetector } from "./pcscd-host.js";

export interface DeskReader {
  name: string;
  role: ReaderRole | undefined;
  present: boolean;
  atr: string | undefined;
  virtual: boolean;
  /** Virtual reader while the configuration does not allow them: never used. */
  refused: boolean;
  inUse: boolean;
  exclusive: boolean;
  mute: boolean;
  unavailable: boolean;
}

export interface ReaderSnapshot {
  pcsc: "starting" | "up" | "down";
  /** Why PC/SC is down. */
  error: RhcProblem | undefined;
  readers: DeskReader[];
  /** Roles configured but not matched by any connected reader. */
  missingRoles: ReaderRole[];
}

function matches(matcher: ReaderMatcher, name: string): boolean {
  return typeof matcher === "string" ? matcher === name : name.startsWith(matcher.prefix);
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 2000;
const WAIT_SLICE_MS = 5000;

/**
 * The desk's readers by role, kept current by watching PC/SC; publishes reader and card events
 * and survives pcscd restarts (retries with bounded backoff, announces pcsc.down / pcsc.up) — the
 * "reader lost after sleep / pcscd stopped" complaints of the anchors.
 */
export class ReaderDirectory {
  private statuses: ReaderStatus[] | undefined;
  private state: ReaderSnapshot["pcsc"] = "starting";
  private error: RhcProblem | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly firstSnapshot: Promise<void>;
  private resolveFirst!: () => void;

  constructor(
    private readonly transport: CardTransport,
    private readonly config: AgentConfig["readers"],
    private readonly detector: VirtualReaderDetector,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.firstSnapshot = new Promise((resolve) => {
      this.resolveFirst = resolve;
    });
  }

  /** Starts watching; resolves once the first reader list (or the first failure) is known. */
  async start(): Promise<void> {
    this.loop ??= this.watch();
    await this.firstSnapshot;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  roleOf(name: string): ReaderRole | undefined {
    const roles = this.config.roles;
    for (const role of Object.keys(roles) as ReaderRole[]) {
      const m = roles[role];
      if (m !== undefined && matches(m, name)) return role;
    }
    return undefined;
  }

  private describe(s: ReaderStatus): DeskReader {
    const virtual = this.detector.isVirtual(s.name);
    return {
      name: s.name,
      role: this.roleOf(s.name),
      present: s.present,
      atr: s.atr ? toHex(s.atr) : undefined,
      virtual,
      refused: virtual && !this.config.allowVirtual,
      inUse: s.inUse,
      exclusive: s.exclusive,
      mute: s.mute,
      unavailable: s.unavailable,
    };
  }

  snapshot(): ReaderSnapshot {
    const readers = (this.statuses ?? []).map((s) => this.describe(s));
    const configured = (Object.keys(this.config.roles) as ReaderRole[]).filter(
      (r) => this.config.roles[r] !== undefined,
    );
    return {
      pcsc: this.state,
      error: this.error,
      readers,
      missingRoles: configured.filter((role) => !readers.some((r) => r.role === role)),
    };
  }

  /** The reader serving `role`, or the error the desk should see. */
  readerFor(role: ReaderRole): DeskReader {
    if (this.state === "down") {
      throw this.error
        ? (RhcError.fromProblem(this.error) ?? new RhcError("PCSC_UNAVAILABLE"))
        : new RhcError("PCSC_UNAVAILABLE");
    }
    const reader = this.snapshot().readers.find((r) => r.role === role);
    if (!reader) throw new RhcError("NO_READER", { detail: `no reader for role "${role}"` });
    if (reader.refused) {
      throw new RhcError("VIRTUAL_READER_REFUSED", {
        detail: `"${reader.name}" is a virtual reader (readers.allowVirtual is false)`,
      });
    }
    return reader;
  }

  private publishDiff(before: readonly ReaderStatus[], after: readonly ReaderStatus[]): void {
    const old = new Map(before.map((s) => [s.name, s]));
    const now = new Map(after.map((s) => [s.name, s]));
    for (const [name, s] of now) {
      const d = this.describe(s);
      const base = { reader: name, role: d.role ?? null, virtual: d.virtual };
      const prev = old.get(name);
      if (!prev) this.bus.publish("reader.added", base);
      if (s.present && (!prev?.present || (prev.atr && s.atr && toHex(prev.atr) !== toHex(s.atr)))) {
        this.bus.publish("card.inserted", { ...base, atr: d.atr ?? null });
      } else if (!s.present && prev?.present) {
        this.bus.publish("card.removed", base);
      }
    }
    for (const [name, s] of old) {
      if (now.has(name)) continue;
      const base = { reader: name, role: this.roleOf(name) ?? null };
      if (s.present) this.bus.publish("card.removed", base);
      this.bus.publish("reader.removed", base);
    }
  }

  private async watch(): Promise<void> {
    const signal = this.abort.signal;
    let delay = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        if (!this.statuses) {
          const first = await this.transport.listReaders();
          if (this.state === "down") {
            this.detector.refresh();
            this.log.info("PC/SC service is back");
            this.bus.publish("pcsc.up");
          }
          this.publishDiff([], first);
          this.statuses = first;
          this.state = "up";
          this.error = undefined;
          delay = RETRY_MIN_MS;
          this.resolveFirst();
        }
        const next = await this.transport.waitForChange(this.statuses, { timeoutMs: WAIT_SLICE_MS, signal });
        this.publishDiff(this.statuses, next);
        this.statuses = next;
      } catch (error) {
        if (signal.aborted) break;
        const e = toRhcError(error, "PCSC_ERROR");
        if (this.state !== "down") {
          this.log.warn({ code: e.code, detail: e.detail }, "PC/SC service unavailable; retrying");
          if (this.statuses) this.publishDiff(this.statuses, []);
          this.bus.publish("pcsc.down", { code: e.code });
        }
        this.state = "down";
        this.error = e.toProblem();
        this.statuses = undefined;
        this.resolveFirst();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          signal.addEventListener(
            "abort",
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
  }
}
