import { describe, it } from "vitest";
import { makeResidentImage } from "../src/generator/resident.js";
import { makePsamImage } from "../src/generator/sam.js";
import { regionPki } from "../src/keys/pki.js";
import { toRegion } from "../src/keys/region.js";
import { inProcessDesk } from "./support/in-process.js";
import { VENDOR_FLOWS } from "./support/vendor-flows.js";

// The same flows run through the real pcscd in conformance.test.ts; here they run against the
// card objects directly, which isolates card logic from the PC/SC stack.
const ctx = {
  resident: makeResidentImage({ seed: "flows-1", region: "410100" }),
  sam: makePsamImage({ region: "410100" }),
  issuerCertificate: regionPki(toRegion("410100")).issuerCertificate,
};

describe("vendor flows of spec §6 against in-process cards", () => {
  for (const flow of VENDOR_FLOWS) {
    it(flow.name, async () => {
      const { card, terminal } = inProcessDesk(ctx.resident, ctx.sam);
      await terminal.startSession(card.atr());
      await flow.run(terminal, ctx);
    });
  }
});
