import { RhcError } from "@rhc/errors";
import { z } from "zod";
import { makeBlankImage, makeResidentImage } from "../generator/resident.js";
import { makeIsamImage, makePsamImage } from "../generator/sam.js";
import { ImageCard } from "../image/image-card.js";
import { type CardImage, cardImageSchema } from "../image/schema.js";
import { parseImage, readImage, writeImage } from "../image/store.js";
import { regionInput } from "../keys/region.js";
import type { CardSpec, SimCard } from "../sim-card.js";
import { IsoTestCard } from "./iso-test-card.js";

export type CardFactory = (options: unknown) => SimCard | Promise<SimCard>;

const isoTestOptions = z.object({ content: z.string().optional(), historical: z.string().max(15).optional() }).strict();

/**
 * `image`: a file path (loaded on insert, saved after every write) or an inline image (kept in
 * memory, or saved to `save` when given). Without an image the card is generated.
 */
const imageRef = z.union([z.string().min(1), cardImageSchema]);
/** `challengeSeed`: deterministic GET CHALLENGE answers (see `CardBuildOptions`), e.g. for replays. */
const common = {
  image: imageRef.optional(),
  save: z.string().min(1).optional(),
  challengeSeed: z.string().min(1).optional(),
};
const residentOptions = z
  .object({
    ...common,
    seed: z.string().min(1).default("resident-1"),
    region: regionInput.optional(),
    mode: z.enum(["strict", "vendor"]).optional(),
    holderPin: z
      .string()
      .regex(/^\d{6,12}$/)
      .optional(),
    state: z.enum(["personalised", "blocked", "app-blocked"]).optional(),
  })
  .strict();
const blankOptions = z
  .object({
    ...common,
    seed: z.string().min(1).default("blank-1"),
    region: regionInput.optional(),
    mode: z.enum(["strict", "vendor"]).optional(),
  })
  .strict();
const samOptions = z
  .object({
    ...common,
    region: regionInput.optional(),
    terminalNo: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    pin: z.string().optional(),
  })
  .strict();
const imageOptions = z.object({ image: imageRef, save: z.string().min(1).optional() }).strict();

type Common = { image?: string | unknown; save?: string | undefined; challengeSeed?: string | undefined };

/** Resolves the image of a card spec: load a file, take it inline, or generate; where to save it. */
function imageCard(options: Common, generate: () => unknown, profiles: readonly string[]): ImageCard {
  let image: CardImage;
  let file = options.save;
  if (typeof options.image === "string") {
    image = readImage(options.image);
    file ??= options.image;
  } else {
    image = parseImage(options.image ?? generate());
    if (file) writeImage(file, image);
  }
  if (!profiles.includes(image.profile)) {
    throw new RhcError("INVALID_INPUT", { detail: `image is a ${image.profile} card, expected ${profiles.join("/")}` });
  }
  return new ImageCard(
    image,
    file,
    options.challengeSeed === undefined ? {} : { challengeSeed: options.challengeSeed },
  );
}

/** Card types the host can create from a serialisable `CardSpec`. */
const factories = new Map<string, CardFactory>([
  ["iso-test", (options) => new IsoTestCard(isoTestOptions.parse(options ?? {}))],
  [
    "resident",
    (options) => {
      const o = residentOptions.parse(options ?? {});
      return imageCard(o, () => makeResidentImage(o), ["resident"]);
    },
  ],
  [
    "blank",
    (options) => {
      const o = blankOptions.parse(options ?? {});
      return imageCard(o, () => makeBlankImage(o), ["resident"]);
    },
  ],
  [
    "psam",
    (options) => {
      const o = samOptions.parse(options ?? {});
      return imageCard(o, () => makePsamImage(o), ["psam"]);
    },
  ],
  [
    "isam",
    (options) => {
      const o = samOptions.parse(options ?? {});
      return imageCard(o, () => makeIsamImage(o), ["isam"]);
    },
  ],
  ["staff", (options) => imageCard(imageOptions.parse(options ?? {}), () => undefined, ["staff"])],
  [
    "image",
    (options) => imageCard(imageOptions.parse(options ?? {}), () => undefined, ["resident", "psam", "isam", "staff"]),
  ],
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
