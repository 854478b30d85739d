import { RhcError } from "@rhc/errors";
import { Jimp } from "jimp";

/** The card photo file holds at most 3072 bytes of image (spec §3.4: 2-byte length + ≤3072). */
export const MAX_PHOTO_BYTES = 3072;

export interface PhotoOptions {
  /** [P] spec §3.4: baseline JPEG, e.g. 102 × 126 px (a 1-inch portrait). */
  width: number;
  height: number;
  maxBytes: number;
}

export const CARD_PHOTO: PhotoOptions = { width: 102, height: 126, maxBytes: MAX_PHOTO_BYTES };

export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface NormalizedPhoto {
  jpeg: Uint8Array;
  width: number;
  height: number;
  quality: number;
}

const MIN_QUALITY = 20;
/** Each step down in size when even the lowest quality is too big (very noisy pictures). */
const SHRINK = 0.85;

/**
 * Turns an imported picture (JPEG/PNG/BMP/GIF/TIFF) into the card photo: crop (the operator's
 * rectangle, or a centred crop to the portrait's aspect ratio), resize, and the best JPEG quality
 * that fits `maxBytes`, found by bisection; if none fits, the picture is scaled down and tried again.
 */
export async function normalizePhoto(
  input: Uint8Array,
  crop?: Crop,
  options: PhotoOptions = CARD_PHOTO,
): Promise<NormalizedPhoto> {
  const image = await Jimp.read(Buffer.from(input)).catch((error: unknown) => {
    throw new RhcError("PHOTO_INVALID", { detail: "not a readable image", cause: error });
  });
  if (crop) {
    if (crop.x + crop.width > image.width || crop.y + crop.height > image.height) {
      throw new RhcError("PHOTO_INVALID", {
        detail: `crop ${crop.width}×${crop.height}+${crop.x}+${crop.y} lies outside the ${image.width}×${image.height} image`,
      });
    }
    image.crop({ x: crop.x, y: crop.y, w: crop.width, h: crop.height });
  }
  let width = options.width;
  let height = options.height;
  for (;;) {
    const sized = image.clone().cover({ w: width, h: height });
    const best = await bestQuality(
      async (quality: number) => new Uint8Array(await sized.getBuffer("image/jpeg", { quality })),
      options.maxBytes,
    );
    if (best) return { jpeg: best.jpeg, width, height, quality: best.quality };
    width = Math.floor(width * SHRINK);
    height = Math.floor(height * SHRINK);
    if (width < 24 || height < 24) {
      throw new RhcError("PHOTO_INVALID", { detail: `cannot compress the picture below ${options.maxBytes} bytes` });
    }
  }
}

async function bestQuality(
  encode: (quality: number) => Promise<Uint8Array>,
  maxBytes: number,
): Promise<{ jpeg: Uint8Array; quality: number } | undefined> {
  let lo = MIN_QUALITY;
  let hi = 92;
  let best: { jpeg: Uint8Array; quality: number } | undefined;
  const floor = await encode(lo);
  if (floor.length > maxBytes) return undefined;
  best = { jpeg: floor, quality: lo };
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const jpeg = await encode(mid);
    if (jpeg.length <= maxBytes) {
      best = { jpeg, quality: mid };
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
