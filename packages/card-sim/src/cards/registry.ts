import { RhcError } from "@rhc/errors";
import { z } from "zod";
import type { CardSpec, SimCard } from "../sim-card.js";
import { IsoTestCard } from "./iso-test-card.js";

export type CardFactory = (options: unknown) => SimCard | Promise<SimCard>;

const isoTestOptions = z.object({ content: z.string().optional(), historical: z.string().max(15).optional() }).strict();

/** Card types the host can create from a serialisable `CardSpec`. */
const factories = new Map<string, CardFactory>([
  ["iso-test", (options) => new IsoTestCard(isoTestOptions.parse(options ?? {}))],
]);

export function registerCardType(type: string, factory: CardFactory): void {
  factories.set(type, factory);
}

export function cardTypes(): string[] {
  return [...factories.keys()];
}

export async function createCard(spec: CardSpec): Promise<SimCard> {
  const factory = factories.get(spec.type);
  if (!factory) throw new RhcError("INVALID_INPUT", { detail: `unknown simulated card type "${spec.type}"` });
  try {
    return await factory(spec.options);
  } catch (error) {
    if (error instanceof RhcError) throw error;
    throw new RhcError("INVALID_INPUT", { detail: `card options for "${spec.type}": ${String(error)}`, cause: error });
  }
}
