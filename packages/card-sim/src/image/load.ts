import { fromHex } from "@rhc/card-protocol";
import type { CosCrypto } from "../cos/crypto.js";
import type { Cos } from "../cos/engine.js";
import { exportState } from "../cos/state.js";
import { defaultScheme } from "../keys/scheme.js";
import { ResidentCard } from "../profiles/resident/resident-card.js";
import { SamCard } from "../profiles/sam/sam-card.js";
import { StaffCard } from "../profiles/staff/staff-card.js";
import type { CardImage } from "./schema.js";

/** Builds the card an image describes. */
export function cardFromImage(image: CardImage, crypto: CosCrypto = defaultScheme()): Cos {
  switch (image.profile) {
    case "resident":
      return new ResidentCard({
        cardF: fromHex(image.cardF),
        crypto,
        state: image.cos,
        ...(image.mode ? { mode: image.mode } : {}),
      });
    case "psam":
    case "isam":
      return new SamCard({
        kind: image.profile,
        crypto,
        masters: image.masters.map((m) => ({ ...m, key: fromHex(m.key) })),
        sm2PrivateKey: fromHex(image.sm2.privateKey),
        state: image.cos,
      });
    case "staff":
      return new StaffCard({ algorithm: image.algorithm, privateKey: fromHex(image.privateKey), state: image.cos });
  }
}

/** The image with the card's current persistent state. */
export function snapshotImage(image: CardImage, card: Cos): CardImage {
  return { ...image, cos: exportState(card) };
}
