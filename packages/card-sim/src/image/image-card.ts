import type { Cos } from "../cos/engine.js";
import type { PowerEvent, SimCard } from "../sim-card.js";
import { type CardBuildOptions, cardFromImage, snapshotImage } from "./load.js";
import type { CardImage } from "./schema.js";
import { writeImage } from "./store.js";

/**
 * A card built from an image. With a `file`, the image is saved (atomically) after every command
 * that changed the card, so a test can inspect the card's memory afterwards, and a card pulled
 * mid-session comes back as it was.
 */
export class ImageCard implements SimCard {
  readonly card: Cos;
  private current: CardImage;

  constructor(
    image: CardImage,
    readonly file?: string,
    options: CardBuildOptions = {},
  ) {
    this.current = image;
    this.card = cardFromImage(image, undefined, options);
    if (file) {
      this.card.onPersist = () => {
        this.current = snapshotImage(this.current, this.card);
        writeImage(file, this.current);
      };
    }
  }

  atr(): Uint8Array {
    return this.card.atr();
  }

  power(event: PowerEvent): void {
    this.card.power(event);
  }

  process(apdu: Uint8Array): Uint8Array {
    return this.card.process(apdu);
  }

  /** The image as it is now (with the card's current memory). */
  image(): CardImage {
    return snapshotImage(this.current, this.card);
  }

  /** `image`: current image; `describe`: lifecycle, selection and security state. */
  control(command: string): unknown {
    switch (command) {
      case "image":
        return this.image();
      case "describe":
        return { profile: this.current.profile, label: this.current.label, ...this.card.describe() };
      default:
        throw new Error(`unknown control "${command}" (image, describe)`);
    }
  }
}
