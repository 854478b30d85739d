import {
  type CardTransport,
  cardAbsent,
  cardPresent,
  MemoryTransport,
  PcscTransport,
  waitForReader,
} from "@rhc/card-protocol";
import { CardHost, type CardSpec, createCard } from "@rhc/card-sim";
import { ensureStack, stackCommand } from "@rhc/card-sim/testing";

/** Desk roles and the virtual readers that play them (slot 00 00 of each role entry). */
export const READERS = {
  resident: "Resident Card Reader 00 00",
  sam: "SAM Reader 00 00",
  staff: "Staff Card Reader 00 00",
  issuerCard: "Issuer Card Reader 00 00",
  issuerSam: "Issuer SAM Reader 00 00",
} as const;
export type Role = keyof typeof READERS;

/** Where simulated cards live: the real pcscd with vpcd readers, or in-process readers as fallback. */
export interface DemoDesk {
  readonly mode: "pcsc" | "in-process";
  readonly transport: CardTransport;
  readonly description: string;
  insert(role: Role, card: CardSpec): Promise<void>;
  remove(role: Role): Promise<void>;
  close(): Promise<void>;
}

/** The private pcscd of scripts/pcsc-stack.sh, cards hosted in a worker thread. */
export async function pcscDesk(stackDir: string): Promise<DemoDesk> {
  const stack = { dir: stackDir };
  const { info, started } = await ensureStack(stack);
  // libpcsclite reads the socket name once, before the first PC/SC call of this process.
  process.env.PCSCLITE_CSOCK_NAME = info.socket;
  const port = (role: Role) => {
    const reader = info.readers.find((r) => r.name === READERS[role]);
    if (!reader) throw new Error(`the PC/SC stack has no reader "${READERS[role]}"`);
    return reader.port;
  };
  const host = await CardHost.start();
  const transport = new PcscTransport();
  return {
    mode: "pcsc",
    transport,
    description: `private pcscd pid ${info.pid}${info.isolated ? " in its own mount namespace" : ""}, socket ${info.socket}, vpcd ports ${info.basePort}+`,
    async insert(role, card) {
      await host.insert(port(role), card);
      await waitForReader(transport, READERS[role], cardPresent);
    },
    async remove(role) {
      await host.remove(port(role));
      await waitForReader(transport, READERS[role], cardAbsent);
    },
    async close() {
      await transport.close();
      await host.terminate();
      if (started) await stackCommand("stop", stack);
    },
  };
}

/** No PC/SC service here: the same simulated cards behind in-process readers. */
export function inProcessDesk(): DemoDesk {
  const transport = new MemoryTransport(Object.values(READERS));
  return {
    mode: "in-process",
    transport,
    description: "in-process virtual readers (no PC/SC service involved)",
    async insert(role, spec) {
      const card = await createCard(spec);
      transport.insert(READERS[role], {
        atr: card.atr(),
        transmit: (apdu) => card.process(apdu),
        reset: () => card.power("reset"),
      });
    },
    async remove(role) {
      transport.remove(READERS[role]);
    },
    close: () => transport.close(),
  };
}
