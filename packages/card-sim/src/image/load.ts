import { fromHex } from "@rhc/card-protocol";
import type { CosCrypto } from "../cos/crypto.js";
import type { Cos } from "../cos/engine.js";
import { exportState } from "../cos/state.js";
import { defaultScheme } from "../keys/scheme.js";
import { SeededRandom } from "../keys/seeded.js";
import { ResidentCard } from "../profiles/resident/resident-card.js";
import { SamCard } from "../profiles/sam/sam-card.js";
import { StaffCard } from "../profiles/staff/staff-card.js";
import type { CardImage } from "./schema.js";

/** What a card built from an image gets besides the image (volatile behaviour, not saved). */
export interface CardBuildOptions {
  /**
   * Seed of the GET CHALLENGE generator (resident, PSAM, ISAM): the same seed gives the same
   * sequence of challenges, so a recorded session can be replayed byte for byte (benchmarks).
   * Default: true randomness.
   */
  readonly challengeSeed?: string;
}

/** The deterministic challenge source of `challengeSeed` (SHA-256 counter mode over the seed). */
export function seededChallenges(seed: string): (length: number) => Uint8Array {
  const rnd = new SeededRandom(`challenge/${seed}`);
  return (length) => rnd.bytes(length);
}

/** Builds the card an image describes. */
export function cardFromImage(
  image: CardImage,
  crypto: CosCrypto = defaultScheme(),
  options: CardBuildOptions = {},
): Cos {
  const random = options.challengeSeed === undefined ? {} : { random: seededChallenges(options.challengeSeed) };
  switch (image.profile) {
    case "resident":
      return new ResidentCard({
        cardF: fromHex(image.cardF),
        crypto,
        state: image.cos,
        ...(image.mode ? { mode: image.mode } : {}),
        ...random,
      });
    case "psam":
    case "isam":
      return new SamCard({
        kind: image.profile,
        crypto,
        masters: image.masters.map((m) => ({ ...m, key: fromHex(m.key) })),
        sm2PrivateKey: fromHex(image.sm2.privateKey),
        state: image.cos,
        ...random,
      });
    case "staff":
      return new StaffCard({ algorithm: image.algorithm, privateKey: fromHex(image.privateKey), state: image.cos });
  }
}

/** The image with the card's current persistent state. */
export function snapshotImage(image: CardImage, card: Cos): CardImage {
  return { ...image, cos: exportState(card) };
}
