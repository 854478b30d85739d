import { isRhcError } from "@rhc/errors";
import { Jimp } from "jimp";
import { describe, expect, it } from "vitest";
import { portrait } from "../../../test/helpers/portrait.js";
import { MAX_PHOTO_BYTES, normalizePhoto } from "./normalize-photo.js";

describe("normalizePhoto", () => {
  it("turns a large PNG into a 102×126 JPEG of at most 3072 bytes", async () => {
    const photo = await normalizePhoto(await portrait(600, 800));
    expect(photo.jpeg.length).toBeLessThanOrEqual(MAX_PHOTO_BYTES);
    expect([photo.jpeg[0], photo.jpeg[1]]).toEqual([0xff, 0xd8]);
    const decoded = await Jimp.read(Buffer.from(photo.jpeg));
    expect([decoded.width, decoded.height]).toEqual([102, 126]);
    expect(photo.quality).toBeGreaterThanOrEqual(20);
  });

  it("honours the operator's crop rectangle", async () => {
    const source = await portrait(400, 300, "image/jpeg");
    const photo = await normalizePhoto(source, { x: 100, y: 20, width: 200, height: 250 });
    expect(photo.jpeg.length).toBeLessThanOrEqual(MAX_PHOTO_BYTES);
    await expect(normalizePhoto(source, { x: 300, y: 0, width: 200, height: 250 })).rejects.toSatisfy((e) =>
      isRhcError(e, "PHOTO_INVALID"),
    );
  });

  it("shrinks the picture when no quality fits the byte budget", async () => {
    const photo = await normalizePhoto(await portrait(300, 400), undefined, { width: 102, height: 126, maxBytes: 700 });
    expect(photo.jpeg.length).toBeLessThanOrEqual(700);
    expect(photo.width).toBeLessThan(102);
  });

  it("refuses bytes that are not an image", async () => {
    await expect(normalizePhoto(new TextEncoder().encode("not a picture"))).rejects.toSatisfy((e) =>
      isRhcError(e, "PHOTO_INVALID"),
    );
  });
});
