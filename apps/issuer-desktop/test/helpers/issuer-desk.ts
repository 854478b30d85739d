import type { CardTransport } from "@rhc/card-protocol";
import { TestDesk } from "@rhc/card-sim/testing";
import { PcscPersonaliser } from "../../src/adapters/pcsc-personaliser.js";
import { testConfig } from "./desk.js";
import { stackConfig } from "./stack-config.js";

/**
 * A leased lane of the shared pcscd with the ISAM of region 410100 (the test config's city) in the
 * issuer SAM reader, and the personaliser on its vpcd readers (`readers.allowVirtual`), optionally
 * through a wrapped transport (e.g. one that pulls the card at a chosen command).
 */
export async function openIssuerDesk(dataDir: string, wrap?: (desk: TestDesk) => CardTransport) {
  const desk = await TestDesk.open();
  await desk.insert("issuerSam", { type: "isam", options: { region: "410100" } });
  const config = testConfig(dataDir, { readers: stackConfig(desk).readers });
  return { desk, port: new PcscPersonaliser(config, wrap ? wrap(desk) : desk.transport) };
}
