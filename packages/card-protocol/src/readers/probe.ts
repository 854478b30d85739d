import { parseResponse } from "../apdu/response.js";
import type { CardTransport } from "../transport/types.js";
import { fromHex } from "../util/hex.js";
import { type CardKind, DEFAULT_PROBES, type ProbeRule } from "./card-kind.js";

/**
 * Finds a card's kind by selecting known applications. Only done on a card nobody else uses (it
 * moves the card's current file); the card is reset afterwards so it is back in its power-on state.
 * Any failure (busy, removed, mute) is "unknown": detection must never break the monitor.
 */
export async function probeKind(
  transport: CardTransport,
  reader: string,
  probes: readonly ProbeRule[] = DEFAULT_PROBES,
): Promise<CardKind> {
  let connection: Awaited<ReturnType<CardTransport["connect"]>> | undefined;
  try {
    connection = await transport.connect(reader);
    for (const probe of probes) {
      const { sw, sw1 } = parseResponse(await connection.transmit(fromHex(probe.command)));
      if (sw === 0x9000 || sw1 === 0x61) return probe.kind;
    }
    return "unknown";
  } catch {
    return "unknown";
  } finally {
    await connection?.disconnect("reset").catch(() => undefined);
  }
}
