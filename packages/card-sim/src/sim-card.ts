export type PowerEvent = "on" | "off" | "reset";

/**
 * The card side of the simulator: what a vpcd connection drives. `process` must never throw for
 * bad input (it answers a status word); the host answers 6F00 if it does anyway.
 */
export interface SimCard {
  atr(): Uint8Array;
  /** Power on and reset clear volatile state (selection, security state, challenge). */
  power(event: PowerEvent): void;
  process(apdu: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Test and CLI hooks (faults, state dumps), reached through `CardHost.control`. */
  control?(command: string, args: unknown): unknown;
}

/** A serialisable description of a card, resolved to a `SimCard` inside the worker. */
export interface CardSpec {
  readonly type: string;
  readonly options?: unknown;
}
