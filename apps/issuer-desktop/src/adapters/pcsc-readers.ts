import { type CardTransport, toHex, VirtualReaderDetector } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { IssuerConfig } from "../issuance/config.js";
import type { ReaderWatch } from "../issuance/ports.js";
import type { ReaderState } from "../shared/channels.js";

/** The first reader whose name equals or starts with the configured name. */
export function findReader(names: readonly string[], configured: string): string | undefined {
  return names.find((n) => n === configured) ?? names.find((n) => n.startsWith(configured));
}

export type ReaderRole = "issuerCard" | "issuerSam" | "staff";

/** One detector per process: it caches its answer per reader name. */
const VIRTUAL = new VirtualReaderDetector();

/**
 * The reader configured for `role`, if connected. A virtual (vpcd) reader is refused unless
 * `readers.allowVirtual` is set: a production desk must write real cards with a real ISAM, never
 * a simulated one a process on the machine can impersonate.
 */
export async function roleReader(
  config: IssuerConfig,
  transport: CardTransport,
  role: ReaderRole,
  virtual: VirtualReaderDetector = VIRTUAL,
): Promise<string | undefined> {
  const name = findReader(
    (await transport.listReaders()).map((r) => r.name),
    config.readers[role],
  );
  if (name && !config.readers.allowVirtual && virtual.isVirtual(name)) {
    throw new RhcError("VIRTUAL_READER_REFUSED", { detail: `${role}: ${name}` });
  }
  return name;
}

/** Reader presence for the status bar; the issuer card kind comes from `probe` (it talks to the card). */
export function pcscReaders(
  config: IssuerConfig,
  transport: CardTransport,
  probeIssuerCard: () => Promise<ReaderState["card"]>,
): ReaderWatch {
  return {
    async status() {
      const list = await transport.listReaders();
      const roles = ["issuerCard", "issuerSam", "staff"] as const;
      return Promise.all(
        roles.map(async (role): Promise<ReaderState> => {
          const name = await roleReader(config, transport, role);
          const reader = list.find((r) => r.name === name);
          if (!reader) return { role, reader: null, present: false, card: "absent" };
          const state: ReaderState = { role, reader: reader.name, present: reader.present, card: "absent" };
          if (reader.atr) state.atr = toHex(reader.atr);
          if (reader.present) {
            state.card = reader.mute
              ? "mute"
              : role === "issuerCard"
                ? await probeIssuerCard()
                : role === "issuerSam"
                  ? "sam"
                  : "staff";
          }
          return state;
        }),
      );
    },
  };
}
