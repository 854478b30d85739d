import { setTimeout as sleep } from "node:timers/promises";
import { isRhcError, RhcError } from "@rhc/errors";
import type { CardConnection, CardTransport, Disposition, ShareMode } from "../transport/types.js";

export interface ConnectOptions {
  /** "exclusive" while writing, so no other program interleaves APDUs (default "shared"). */
  readonly share?: ShareMode;
  /** Attempts while another program holds the card (default 5). */
  readonly attempts?: number;
  /** First wait after a sharing violation, doubled per attempt up to `maxDelayMs`. */
  readonly delayMs?: number;
  readonly maxDelayMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Connects to the card in `reader`, retrying with bounded backoff while another program holds it
 * (pain point: sharing violations between middlewares). When it stays held the error is CARD_BUSY
 * (retriable) with the sharing violation as its cause.
 */
export async function connectCard(
  transport: CardTransport,
  reader: string,
  options: ConnectOptions = {},
): Promise<CardConnection> {
  const attempts = Math.max(1, options.attempts ?? 5);
  let delay = options.delayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await transport.connect(reader, { share: options.share ?? "shared" });
    } catch (error) {
      if (!isRhcError(error, "SHARING_VIOLATION")) throw error;
      if (attempt >= attempts || options.signal?.aborted) {
        throw new RhcError("CARD_BUSY", {
          detail: `reader "${reader}" held by another program after ${attempt} attempts`,
          cause: error,
        });
      }
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 1000);
    }
  }
}

/** Runs `work` on a connection and always releases it (`reset` by default: no state left behind). */
export async function withCard<T>(
  transport: CardTransport,
  reader: string,
  options: ConnectOptions & { disposition?: Disposition },
  work: (connection: CardConnection) => Promise<T>,
): Promise<T> {
  const connection = await connectCard(transport, reader, options);
  try {
    return await work(connection);
  } finally {
    await connection.disconnect(options.disposition ?? "reset").catch(() => undefined);
  }
}
