import type { CardTransport } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { IssuerAdapters } from "../app/create-issuer-app.js";
import type { IssuerConfig } from "../issuance/config.js";
import type { IssuerCardPort, StaffLogin } from "../issuance/ports.js";
import { manualFeeder } from "./manual-feeder.js";
import { pcscReaders } from "./pcsc-readers.js";

/**
 * The production adapters over PC/SC. The personaliser (issuer reader + ISAM) and the staff-card
 * login are integrated as their libraries land (card-sim's [P] personalisation protocol and
 * card-protocol's SamSession / StaffCardSession); until then these two answer with a typed error
 * that says so, and the desk still offers everything that needs no card.
 */
export function createDeskAdapters(config: IssuerConfig, transport: CardTransport): IssuerAdapters {
  const notIntegrated = (what: string): never => {
    throw new RhcError("ISSUER_SAM_MISSING", { detail: `${what} is not integrated in this build` });
  };
  const card: IssuerCardPort = {
    probe: async () => notIntegrated("the personaliser"),
    personalise: async () => notIntegrated("the personaliser"),
    verify: async () => notIntegrated("read-back verification"),
  };
  const login: StaffLogin = { login: async () => notIntegrated("staff-card login") };
  return {
    card,
    login,
    feeder: manualFeeder(config, transport),
    readers: pcscReaders(config, transport, async () => "unknown"),
  };
}
