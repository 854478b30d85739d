import {
  type CardKind,
  type CardTransport,
  ReaderMonitor,
  ReaderRoles,
  type ReaderState,
  toHex,
  type VirtualReaderDetector,
} from "@rhc/card-protocol";
import { RhcError, type RhcProblem } from "@rhc/errors";
import type { AgentConfig, ReaderMatcher, ReaderRole } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../log/logger.js";

export interface DeskReader {
  name: string;
  role: ReaderRole | undefined;
  present: boolean;
  atr: string | undefined;
  /** What the card is (from its ATR or an application probe). */
  kind: CardKind | undefined;
  virtual: boolean;
  /** Virtual reader while the configuration does not allow them: never used. */
  refused: boolean;
  mute: boolean;
}

export interface ReaderSnapshot {
  pcsc: "starting" | "up" | "down";
  /** Why PC/SC is down. */
  error: RhcProblem | undefined;
  readers: DeskReader[];
  /** Roles configured but not matched by any connected reader. */
  missingRoles: ReaderRole[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The agent's matcher (exact name or prefix) in the monitor's role configuration. */
function monitorRoles(roles: AgentConfig["readers"]["roles"]) {
  const out: Record<string, { names: string[]; patterns: string[] }> = {};
  for (const [role, m] of Object.entries(roles) as Array<[ReaderRole, ReaderMatcher | undefined]>) {
    if (m === undefined) continue;
    out[role] =
      typeof m === "string" ? { names: [m], patterns: [] } : { names: [], patterns: [`^${escapeRegex(m.prefix)}`] };
  }
  return out;
}

/**
 * The desk's readers by role, on top of card-protocol's ReaderMonitor (roles, card kinds, pcscd
 * recovery): adds the production refusal of virtual readers, the snapshot the API serves, and the
 * translation of monitor events into the agent's event stream.
 */
export class ReaderDirectory {
  readonly monitor: ReaderMonitor;
  private readonly roles: ReaderRoles;
  private error: RhcProblem | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly transport: CardTransport,
    private readonly config: AgentConfig["readers"],
    private readonly detector: VirtualReaderDetector,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.roles = new ReaderRoles(monitorRoles(config.roles));
    this.monitor = new ReaderMonitor(transport, { roles: this.roles, backoff: { initialMs: 200, maxMs: 2000 } });
  }

  /** Starts watching; resolves once the first reader list (or the first failure) is known. */
  async start(): Promise<void> {
    this.unsubscribe = this.monitor.on("*", (e) => {
      const role = (e as { role?: string }).role ?? null;
      switch (e.type) {
        case "reader-added":
          this.bus.publish("reader.added", { reader: e.reader, role, virtual: this.detector.isVirtual(e.reader) });
          break;
        case "reader-removed":
          this.bus.publish("reader.removed", { reader: e.reader, role });
          break;
        case "card-inserted":
          this.bus.publish("card.inserted", { reader: e.reader, role, atr: toHex(e.atr), kind: e.kind });
          break;
        case "card-removed":
          this.bus.publish("card.removed", { reader: e.reader, role });
          break;
        case "card-mute":
          this.bus.publish("card.mute", { reader: e.reader, role });
          break;
        case "service-down":
          this.error = e.error.toProblem();
          this.log.warn({ code: e.error.code, detail: e.error.detail }, "PC/SC service unavailable; retrying");
          this.bus.publish("pcsc.down", { code: e.error.code });
          break;
        case "service-up":
          this.error = undefined;
          this.detector.refresh();
          this.log.info("PC/SC service is back");
          this.bus.publish("pcsc.up", {});
          break;
      }
    });
    this.monitor.start();
    const deadline = Date.now() + 5000;
    while (this.monitor.status === "starting" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.monitor.stop();
  }

  private describe(s: ReaderState): DeskReader {
    const virtual = this.detector.isVirtual(s.name);
    return {
      name: s.name,
      role: s.role as ReaderRole | undefined,
      present: s.present,
      atr: s.atr ? toHex(s.atr) : undefined,
      kind: s.kind,
      virtual,
      refused: virtual && !this.config.allowVirtual,
      mute: s.mute,
    };
  }

  snapshot(): ReaderSnapshot {
    const status = this.monitor.status;
    const readers = this.monitor.readers().map((s) => this.describe(s));
    const configured = (Object.keys(this.config.roles) as ReaderRole[]).filter(
      (r) => this.config.roles[r] !== undefined,
    );
    return {
      pcsc: status === "up" ? "up" : status === "down" ? "down" : "starting",
      error: status === "down" ? this.error : undefined,
      readers,
      missingRoles: configured.filter((role) => !readers.some((r) => r.role === role)),
    };
  }

  /**
   * The reader serving `role` with a card in it. The monitor reports a card a few hundred ms after
   * PC/SC sees it; a desk user who inserts and clicks at once must not get NO_CARD, so an absent
   * card is re-checked with PC/SC directly before refusing.
   */
  async cardReader(role: ReaderRole, missingCard: "NO_CARD" | "SAM_MISSING" = "NO_CARD"): Promise<DeskReader> {
    try {
      return this.readerFor(role, missingCard);
    } catch (error) {
      const lagging = error instanceof RhcError && (error.code === missingCard || error.code === "NO_READER");
      if (!lagging || this.monitor.status === "down") throw error;
      const now = (await this.transport.listReaders().catch(() => [])).find((r) => this.roles.roleOf(r.name) === role);
      if (!now?.present || !now.atr) throw error;
      const reader = this.describe({
        name: now.name,
        role,
        present: true,
        atr: now.atr,
        kind: undefined,
        mute: now.mute,
      });
      if (reader.refused)
        throw new RhcError("VIRTUAL_READER_REFUSED", {
          detail: `"${reader.name}" is a virtual reader (readers.allowVirtual is false)`,
        });
      return reader;
    }
  }

  /** The reader serving `role` (with a card in it) as the monitor sees it, or the error the desk should see. */
  readerFor(role: ReaderRole, missingCard: "NO_CARD" | "SAM_MISSING" = "NO_CARD"): DeskReader {
    if (this.monitor.status === "down") {
      throw (this.error && RhcError.fromProblem(this.error)) ?? new RhcError("PCSC_UNAVAILABLE");
    }
    const reader = this.snapshot().readers.find((r) => r.role === role);
    if (!reader) {
      throw new RhcError(role === "sam" ? "SAM_MISSING" : "NO_READER", { detail: `no reader for role "${role}"` });
    }
    if (reader.refused) {
      throw new RhcError("VIRTUAL_READER_REFUSED", {
        detail: `"${reader.name}" is a virtual reader (readers.allowVirtual is false)`,
      });
    }
    if (!reader.present) throw new RhcError(missingCard, { detail: `reader "${reader.name}"` });
    if (reader.mute) throw new RhcError("CARD_MUTE", { detail: `reader "${reader.name}"` });
    return reader;
  }
}
