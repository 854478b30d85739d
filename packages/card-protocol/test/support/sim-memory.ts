import { createCard, type SimCard } from "@rhc/card-sim";
import type { MemoryCard } from "../../src/transport/memory.js";
import { MemoryTransport } from "../../src/transport/memory.js";

/** A card-sim card driven in-process through MemoryTransport (no pcscd): fast, for broad checks. */
export function asMemoryCard(sim: SimCard): MemoryCard {
  return { atr: sim.atr(), transmit: (c) => sim.process(c), reset: () => sim.power("on") };
}

export interface SimImageMeta {
  person: { name: string; citizenId: string };
  region: string;
}

/** A resident card and a PSAM of the same region in two memory readers. */
export async function memoryDesk(options: { seed?: string; mode?: "strict" | "vendor"; region?: string } = {}) {
  const resident = await createCard({
    type: "resident",
    options: {
      seed: options.seed ?? "memory-1",
      ...(options.mode ? { mode: options.mode } : {}),
      ...(options.region ? { region: options.region } : {}),
    },
  });
  const sam = await createCard({ type: "psam", options: options.region ? { region: options.region } : {} });
  const transport = new MemoryTransport(["card", "sam"]);
  transport.insert("card", asMemoryCard(resident));
  transport.insert("sam", asMemoryCard(sam));
  const image = (resident as SimCard & { image(): { meta?: unknown } }).image();
  return { transport, resident, sam, meta: image.meta as SimImageMeta };
}
