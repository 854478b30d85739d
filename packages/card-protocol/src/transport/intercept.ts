import type { CardConnection } from "./types.js";

/**
 * `connection` in every respect but `transmit`, which `transmit` replaces (it usually calls
 * `connection.transmit` itself): the shape of every connection wrapper (trace, recording).
 */
export function withTransmit(
  connection: CardConnection,
  transmit: (command: Uint8Array) => Promise<Uint8Array>,
): CardConnection {
  return {
    get reader() {
      return connection.reader;
    },
    get atr() {
      return connection.atr;
    },
    get protocol() {
      return connection.protocol;
    },
    get share() {
      return connection.share;
    },
    get connected() {
      return connection.connected;
    },
    transmit,
    disconnect: (disposition) => connection.disconnect(disposition),
  };
}
