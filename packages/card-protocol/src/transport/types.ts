/** How a connection shares the card with other PC/SC clients. */
export type ShareMode = "shared" | "exclusive";
/** What happens to the card when a connection ends. */
export type Disposition = "leave" | "reset" | "unpower";
export type Protocol = "T0" | "T1" | "RAW";

/** A snapshot of one reader. `eventState` is opaque; pass the snapshot back to `waitForChange`. */
export interface ReaderStatus {
  readonly name: string;
  /** A card is in the reader. */
  readonly present: boolean;
  readonly atr: Uint8Array | undefined;
  /** Another client holds a connection. */
  readonly inUse: boolean;
  /** Another client holds the card exclusively. */
  readonly exclusive: boolean;
  /** A card is present but does not answer reset. */
  readonly mute: boolean;
  /** The reader exists but cannot be used (being removed, driver problem). */
  readonly unavailable: boolean;
  readonly eventState: number;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The bottom of the stack: readers, card connections and raw APDU exchange. Implemented over
 * PC/SC (`PcscTransport`) and in memory for unit tests (`MemoryTransport`). Every failure is an
 * `RhcError` with a stable code (`PCSC_UNAVAILABLE`, `NO_READER`, `NO_CARD`, `CARD_REMOVED`,
 * `SHARING_VIOLATION`, ...).
 */
export interface CardTransport {
  readonly kind: "pcsc" | "memory";
  listReaders(): Promise<ReaderStatus[]>;
  /**
   * Resolves with a fresh reader list once a reader in `since` changes state, a reader appears or
   * disappears, or `timeoutMs` passes (then the list may equal `since`). Aborting resolves early.
   */
  waitForChange(since: readonly ReaderStatus[], options: WaitOptions): Promise<ReaderStatus[]>;
  connect(reader: string, options?: { share?: ShareMode }): Promise<CardConnection>;
  close(): Promise<void>;
}

/** One connection to the card in one reader. */
export interface CardConnection {
  readonly reader: string;
  readonly atr: Uint8Array;
  readonly protocol: Protocol;
  readonly share: ShareMode;
  readonly connected: boolean;
  /** Sends raw command bytes; resolves with `data || SW1 SW2`. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  disconnect(disposition?: Disposition): Promise<void>;
}
