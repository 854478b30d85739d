import { createRequire } from "node:module";
import { RhcError } from "@rhc/errors";
import type { CardInterface, ContextInterface, ReaderInterface } from "smartcard";
import { bytesEqual } from "../util/hex.js";
import { pcscError, pcscErrorCode } from "./pcsc-errors.js";
import type {
  CardConnection,
  CardTransport,
  Disposition,
  Protocol,
  ReaderStatus,
  ShareMode,
  WaitOptions,
} from "./types.js";

type Binding = typeof import("smartcard");

const PNP_READER = "\\\\?PnP?\\Notification";
/**
 * Response buffer of an extended APDU: 64 KiB + SW. Short APDUs pass no options: the binding's
 * default buffer (256 data bytes + SW) is exactly theirs, and no options object has to be read.
 */
const EXTENDED_RECEIVE = { maxRecvLength: 65538 } as const;
/** pcscd polls vpcd readers every 400 ms: how long a card pulled mid-command may take to show. */
const EMPTY_ANSWER_GRACE_MS = 600;

/** Extended-length commands carry 00 where a short Lc/Le byte would be (ISO 7816-3 §12.1.3). */
function isExtended(command: Uint8Array): boolean {
  return command.length >= 7 && command[4] === 0;
}

let binding: Binding | undefined;

function loadBinding(): Binding {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)("smartcard") as Binding;
    return binding;
  } catch (error) {
    throw new RhcError("PCSC_BINDING_MISSING", { detail: String(error), cause: error });
  }
}

function toStatus(sc: Binding, name: string, state: number, atr: Buffer | null): ReaderStatus {
  const present = (state & sc.SCARD_STATE_PRESENT) !== 0;
  return {
    name,
    present,
    atr: present && atr && atr.length > 0 ? new Uint8Array(atr) : undefined,
    inUse: (state & sc.SCARD_STATE_INUSE) !== 0,
    exclusive: (state & sc.SCARD_STATE_EXCLUSIVE) !== 0,
    mute: (state & sc.SCARD_STATE_MUTE) !== 0,
    unavailable: (state & (sc.SCARD_STATE_UNAVAILABLE | sc.SCARD_STATE_UNKNOWN)) !== 0,
    eventState: state,
  };
}

/**
 * `CardTransport` over the system's PC/SC service through the `smartcard` N-API binding.
 *
 * Every connection and every wait gets its own PC/SC context: libpcsclite serialises calls per
 * context, and the binding's synchronous calls (listReaders, disconnect) would otherwise queue
 * behind another handle's pending transmit or status wait. After pcscd dies, contexts are
 * invalid; the shared one is dropped and re-established on the next call, so the transport
 * recovers by itself once the service is back.
 */
export class PcscTransport implements CardTransport {
  readonly kind = "pcsc" as const;
  private context: ContextInterface | undefined;
  private closed = false;
  private readonly connections = new Set<PcscConnection>();

  private newContext(where: string): ContextInterface {
    const sc = loadBinding();
    try {
      return new sc.Context();
    } catch (error) {
      throw pcscError(error, where, "PCSC_UNAVAILABLE");
    }
  }

  private sharedContext(): ContextInterface {
    if (this.closed) throw new RhcError("PCSC_UNAVAILABLE", { detail: "transport closed" });
    if (!this.context?.isValid) this.context = this.newContext("establish context");
    return this.context;
  }

  private dropSharedContext(): void {
    try {
      this.context?.close();
    } catch {
      // The service is gone; the handle is useless either way.
    }
    this.context = undefined;
  }

  private readersOf(ctx: ContextInterface): ReaderInterface[] {
    return ctx.listReaders();
  }

  async listReaders(): Promise<ReaderStatus[]> {
    const sc = loadBinding();
    // A context established before a pcscd restart answers "Invalid handle"; retry once on a new one.
    for (let attempt = 0; ; attempt++) {
      try {
        return this.readersOf(this.sharedContext()).map((r) => toStatus(sc, r.name, r.state, r.atr));
      } catch (error) {
        if (error instanceof RhcError) throw error;
        this.dropSharedContext();
        if (attempt >= 1) throw pcscError(error, "list readers", "PCSC_UNAVAILABLE");
      }
    }
  }

  async waitForChange(since: readonly ReaderStatus[], options: WaitOptions): Promise<ReaderStatus[]> {
    if (options.signal?.aborted) return this.listReaders();
    const ctx = this.newContext("wait for reader change");
    const onAbort = () => ctx.cancel();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const states = since.map((r) => ({ name: r.name, state: r.eventState, changed: false, atr: null }));
      // The PnP pseudo-reader wakes us when the number of readers differs from the high word.
      states.push({ name: PNP_READER, state: since.length << 16, changed: false, atr: null });
      await ctx.waitForChange(states, Math.max(0, Math.floor(options.timeoutMs)));
    } catch (error) {
      const code = pcscErrorCode(error);
      // A reader that vanished between snapshot and wait is a change, not a failure.
      if (code !== "NO_READER" && code !== "READER_UNAVAILABLE") {
        // A dying pcscd surfaces as "Communication error"; ask the service before blaming anything else.
        const serviceUp = await this.listReaders().then(
          () => true,
          () => false,
        );
        throw pcscError(error, "wait for reader change", serviceUp ? code : "PCSC_UNAVAILABLE");
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      try {
        ctx.close();
      } catch {
        // already invalid
      }
    }
    return this.listReaders();
  }

  async connect(reader: string, options: { share?: ShareMode } = {}): Promise<CardConnection> {
    const sc = loadBinding();
    const share = options.share ?? "shared";
    const ctx = this.newContext(`connect ${reader}`);
    try {
      let found: ReaderInterface | undefined;
      try {
        found = this.readersOf(ctx).find((r) => r.name === reader);
      } catch (error) {
        throw pcscError(error, `connect ${reader}`, "PCSC_UNAVAILABLE");
      }
      if (!found) throw new RhcError("NO_READER", { detail: `reader "${reader}" is not connected` });
      if ((found.state & sc.SCARD_STATE_PRESENT) === 0) {
        throw new RhcError("NO_CARD", { detail: `reader "${reader}"` });
      }
      const shareMode = share === "exclusive" ? sc.SCARD_SHARE_EXCLUSIVE : sc.SCARD_SHARE_SHARED;
      let card: CardInterface;
      try {
        card = await found.connect(shareMode, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
      } catch (error) {
        throw pcscError(error, `connect ${reader}`);
      }
      const connection = new PcscConnection(this, sc, ctx, card, reader, share);
      this.connections.add(connection);
      return connection;
    } catch (error) {
      try {
        ctx.close();
      } catch {
        // nothing to release
      }
      throw error;
    }
  }

  /** @internal */
  forget(connection: PcscConnection): void {
    this.connections.delete(connection);
  }

  /**
   * A failed transmit says little ("Transaction failed"): find out whether the service died, the
   * reader went away or the card was pulled or swapped, so the operator gets the right advice.
   */
  async diagnose(error: unknown, reader: string, atr: Uint8Array, where: string): Promise<RhcError> {
    let readers: ReaderStatus[];
    try {
      readers = await this.listReaders();
    } catch {
      return pcscError(error, where, "PCSC_UNAVAILABLE");
    }
    const status = readers.find((r) => r.name === reader);
    if (!status) return pcscError(error, where, "NO_READER");
    if (!status.present || (status.atr && !bytesEqual(status.atr, atr))) return pcscError(error, where, "CARD_REMOVED");
    return pcscError(error, where);
  }

  /** True when the card with `atr` has left `reader` now or within `graceMs`. */
  async cardGone(reader: string, atr: Uint8Array, graceMs: number): Promise<boolean> {
    const gone = (readers: readonly ReaderStatus[]) => {
      const status = readers.find((r) => r.name === reader);
      return !status?.present || (status.atr !== undefined && !bytesEqual(status.atr, atr));
    };
    const deadline = Date.now() + graceMs;
    try {
      let readers = await this.listReaders();
      // Other readers' changes wake the wait too: keep waiting until this one changes or time is up.
      while (!gone(readers)) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        readers = await this.waitForChange(readers, { timeoutMs: left });
      }
      return true;
    } catch {
      return true;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const connection of [...this.connections]) await connection.disconnect("leave");
    this.dropSharedContext();
  }
}

class PcscConnection implements CardConnection {
  readonly atr: Uint8Array;
  readonly protocol: Protocol;
  private open = true;

  constructor(
    private readonly transport: PcscTransport,
    private readonly sc: Binding,
    private readonly ctx: ContextInterface,
    private readonly card: CardInterface,
    readonly reader: string,
    readonly share: ShareMode,
  ) {
    this.atr = new Uint8Array(card.atr ?? []);
    this.protocol =
      card.protocol === sc.SCARD_PROTOCOL_T0 ? "T0" : card.protocol === sc.SCARD_PROTOCOL_T1 ? "T1" : "RAW";
  }

  get connected(): boolean {
    return this.open;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (!this.open) {
      return Promise.reject(new RhcError("CARD_REMOVED", { detail: `connection to "${this.reader}" is closed` }));
    }
    // Hot path: no copies, no per-call closures, one promise on top of the binding's.
    const buffer = Buffer.isBuffer(command)
      ? command
      : Buffer.from(command.buffer, command.byteOffset, command.byteLength);
    const pending = isExtended(command) ? this.card.transmit(buffer, EXTENDED_RECEIVE) : this.card.transmit(buffer);
    return pending.then(this.answered, this.rejected);
  }

  private readonly answered = (response: Buffer): Uint8Array | Promise<Uint8Array> =>
    response.length >= 2 ? response : this.empty(response);
  private readonly rejected = (error: unknown): Promise<never> => this.failed(error);

  /**
   * A frame without status word: vpcd and some readers answer so when the card is pulled
   * mid-command. If the card is gone within one pcscd poll it is CARD_REMOVED; otherwise the
   * short frame goes up as it is and the parser reports MALFORMED_RESPONSE.
   */
  private async empty(response: Uint8Array): Promise<Uint8Array> {
    if (await this.transport.cardGone(this.reader, this.atr, EMPTY_ANSWER_GRACE_MS)) {
      await this.disconnect("leave");
      throw new RhcError("CARD_REMOVED", { detail: `"${this.reader}": card pulled during a command` });
    }
    return new Uint8Array(response);
  }

  private async failed(error: unknown): Promise<never> {
    const diagnosed = await this.transport.diagnose(error, this.reader, this.atr, `transmit on "${this.reader}"`);
    if (diagnosed.code !== "TRANSMIT_FAILED" && diagnosed.code !== "PCSC_ERROR" && diagnosed.code !== "TIMEOUT") {
      await this.disconnect("leave");
    }
    throw diagnosed;
  }

  async disconnect(disposition: Disposition = "leave"): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.transport.forget(this);
    const sc = this.sc;
    const value =
      disposition === "reset"
        ? sc.SCARD_RESET_CARD
        : disposition === "unpower"
          ? sc.SCARD_UNPOWER_CARD
          : sc.SCARD_LEAVE_CARD;
    try {
      this.card.disconnect(value);
    } catch {
      // The card or the service is already gone: the handle is released with the context below.
    }
    try {
      this.ctx.close();
    } catch {
      // already invalid after a pcscd restart
    }
  }
}
