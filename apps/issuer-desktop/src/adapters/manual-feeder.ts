import { type CardTransport, cardAbsent, cardPresent, waitForReader } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { IssuerConfig } from "../issuance/config.js";
import type { Feeder } from "../issuance/ports.js";
import { roleReader } from "./pcsc-readers.js";

/**
 * The operator is the feeder: `load` waits until a card is in the issuer reader, `eject` until it
 * has been taken out (the UI tells which bin it belongs in). Waits on PC/SC state changes, no polling.
 */
export function manualFeeder(config: IssuerConfig, transport: CardTransport, waitMs = 10 * 60_000): Feeder {
  const reader = async () => {
    const name = await roleReader(config, transport, "issuerCard");
    if (!name) throw new RhcError("NO_READER", { detail: config.readers.issuerCard });
    return name;
  };
  const wait = async (predicate: typeof cardPresent, signal?: AbortSignal) => {
    await waitForReader(transport, await reader(), predicate, { timeoutMs: waitMs, ...(signal ? { signal } : {}) });
  };
  return {
    kind: "manual",
    load: (signal) => wait(cardPresent, signal),
    eject: (_bin, signal) => wait(cardAbsent, signal),
  };
}
