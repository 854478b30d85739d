import { RhcError } from "@rhc/errors";
import type { CardTransport, ReaderStatus } from "./types.js";

/**
 * Waits, event-driven, until reader `name` satisfies `predicate` (for example a card is present).
 * pcscd polls virtual readers every 400 ms, so callers wait for state and never sleep a fixed time.
 */
export async function waitForReader(
  transport: CardTransport,
  name: string,
  predicate: (status: ReaderStatus | undefined) => boolean,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ReaderStatus | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  let readers = await transport.listReaders();
  for (;;) {
    const status = readers.find((r) => r.name === name);
    if (predicate(status)) return status;
    const left = deadline - Date.now();
    if (left <= 0 || options.signal?.aborted) {
      throw new RhcError("TIMEOUT", { detail: `reader "${name}" did not reach the expected state` });
    }
    readers = await transport.waitForChange(readers, {
      timeoutMs: Math.min(left, 1000),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}

export const cardPresent = (s: ReaderStatus | undefined): boolean => s?.present === true;
export const cardAbsent = (s: ReaderStatus | undefined): boolean => s !== undefined && !s.present;
