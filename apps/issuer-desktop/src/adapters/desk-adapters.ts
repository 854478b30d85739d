import type { CardTransport } from "@rhc/card-protocol";
import type { IssuerAdapters } from "../app/create-issuer-app.js";
import type { IssuerConfig } from "../issuance/config.js";
import { manualFeeder } from "./manual-feeder.js";
import { PcscPersonaliser } from "./pcsc-personaliser.js";
import { pcscReaders } from "./pcsc-readers.js";
import { staffCardLogin } from "./staff-card-login.js";

/**
 * The production adapters over PC/SC: the personaliser (issuer card reader + ISAM), the staff-card
 * login, reader states and the manual feeder (the operator inserts and removes cards).
 */
export function createDeskAdapters(
  config: IssuerConfig,
  transport: CardTransport,
): IssuerAdapters & { card: PcscPersonaliser } {
  const card = new PcscPersonaliser(config, transport);
  return {
    card,
    login: staffCardLogin(config, transport),
    feeder: manualFeeder(config, transport),
    readers: pcscReaders(config, transport, async () => (await card.probe()).kind),
  };
}
