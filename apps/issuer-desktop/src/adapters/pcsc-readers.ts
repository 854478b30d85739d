import { type CardTransport, toHex } from "@rhc/card-protocol";
import type { IssuerConfig } from "../issuance/config.js";
import type { ReaderWatch } from "../issuance/ports.js";
import type { ReaderState } from "../shared/channels.js";

/** The first reader whose name equals or starts with the configured name. */
export function findReader(names: readonly string[], configured: string): string | undefined {
  return names.find((n) => n === configured) ?? names.find((n) => n.startsWith(configured));
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
          const name = findReader(
            list.map((r) => r.name),
            config.readers[role],
          );
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
