import { type CardTransport, cardAbsent, cardPresent, waitForReader } from "@rhc/card-protocol";
import type { Feeder } from "../issuance/ports.js";

/** What the feeder needs from a card-sim CardHost (structural, so card-sim stays a dev dependency). */
export interface CardSlotHost {
  insert(port: number, card: { type: string; options?: unknown }): Promise<void>;
  remove(port: number): Promise<void>;
}

export interface SimulatedFeederOptions {
  host: CardSlotHost;
  transport: CardTransport;
  /** vpcd port and PC/SC name of the issuer card reader. */
  port: number;
  reader: string;
  /** Region of the blank cards (the centre's city code). */
  region: string;
  /** Seed prefix: blank n gets seed `${seedPrefix}-${n}` (unique chip serials per run). */
  seedPrefix: string;
}

/**
 * A card feeder for tests and demos: `load` inserts the next simulated blank card into the issuer
 * reader (unless a card is already there), `eject` takes the card out and remembers its bin.
 */
export class SimulatedFeeder implements Feeder {
  readonly kind = "simulated" as const;
  readonly bins: { good: number; reject: number } = { good: 0, reject: 0 };
  private count = 0;

  constructor(private readonly options: SimulatedFeederOptions) {}

  async load(signal?: AbortSignal): Promise<void> {
    const { transport, reader, host, port } = this.options;
    const status = (await transport.listReaders()).find((r) => r.name === reader);
    if (status?.present) return;
    this.count++;
    await host.insert(port, {
      type: "blank",
      options: { seed: `${this.options.seedPrefix}-${this.count}`, region: this.options.region },
    });
    await waitForReader(transport, reader, cardPresent, { timeoutMs: 10_000, ...(signal ? { signal } : {}) });
  }

  async eject(bin: "good" | "reject"): Promise<void> {
    const { transport, reader, host, port } = this.options;
    await host.remove(port);
    await waitForReader(transport, reader, cardAbsent, { timeoutMs: 10_000 });
    this.bins[bin]++;
  }
}
