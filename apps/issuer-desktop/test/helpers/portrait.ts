import { Jimp } from "jimp";

/**
 * A synthetic "portrait" (noisy background, a face-like ellipse) as PNG or JPEG. Noise makes it
 * hard to compress, which is what the photo pipeline has to cope with.
 */
export async function portrait(width: number, height: number, mime: "image/png" | "image/jpeg" = "image/png") {
  const image = new Jimp({ width, height, color: 0xffffffff });
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const cx = width / 2;
  const cy = height * 0.45;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inFace = ((x - cx) / (width * 0.28)) ** 2 + ((y - cy) / (height * 0.3)) ** 2 < 1;
      const n = Math.floor(rnd() * 40);
      const [r, g, b] = inFace ? [230 - n, 190 - n, 160 - n] : [80 + n, 120 + n, 200 - n];
      image.setPixelColor(((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0, x, y);
    }
  }
  return new Uint8Array(await image.getBuffer(mime));
}
