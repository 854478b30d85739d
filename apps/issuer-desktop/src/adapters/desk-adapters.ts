import type { CardTransport } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { IssuerAdapters } from "../app/create-issuer-app.js";
import type { IssuerConfig } from "../issuance/config.js";
import type { StaffLogin } from "../issuance/ports.js";
import { manualFeeder } from "./manual-feeder.js";
import { PcscPersonaliser } from "./pcsc-personaliser.js";
import { pcscReaders } from "./pcsc-readers.js";

/**
 * The production adapters over PC/SC: the personaliser (issuer reader + ISAM), reader states,
 * the manual feeder. The staff-card login is integrated as its library lands (card-protocol's
 * StaffCardSession + crypto's validateChain); until then it answers with a typed error saying so.
 */
export function createDeskAdapters(config: IssuerConfig, transport: CardTransport): IssuerAdapters {
  const notIntegrated = (what: string): never => {
    throw new RhcError("OPERATOR_REQUIRED", { detail: `${what} is not integrated in this build` });
  };
  const card = new PcscPersonaliser(config, transport);
  const login: StaffLogin = { login: async () => notIntegrated("staff-card login") };
  return {
    card,
    login,
    feeder: manualFeeder(config, transport),
    readers: pcscReaders(config, transport, async () => (await card.probe()).kind),
  };
}
