import type { Cos } from "../../src/cos/engine.js";
import { cardFromImage } from "../../src/image/load.js";
import type { CardImage } from "../../src/image/schema.js";
import { Terminal, type Transmit } from "./terminal.js";

/** A card object driven directly (no PC/SC): for unit tests and the fuzz test. */
export function inProcess(image: CardImage): { card: Cos; transmit: Transmit } {
  const card = cardFromImage(image);
  card.power("on");
  return { card, transmit: async (apdu) => card.process(apdu) };
}

export function inProcessDesk(resident: CardImage, sam: CardImage) {
  const c = inProcess(resident);
  const s = inProcess(sam);
  return { card: c.card, sam: s.card, terminal: new Terminal(c.transmit, s.transmit) };
}
