/**
 * A minimal baseline JPEG encoder for test photos (DDF1/EF07 holds a ≤ 3072-byte JPEG, spec §3.4):
 * greyscale, one flat shade per 8×8 block (DC coefficients only), so a "portrait" of block
 * shades costs a few hundred bytes and any JPEG decoder reads it.
 */
const DC_QUANT = 16;

class BitWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private bits = 0;

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.bits === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.out.push(this.acc);
    if (this.acc === 0xff) this.out.push(0x00); // byte stuffing
    this.acc = 0;
    this.bits = 0;
  }

  finish(): number[] {
    while (this.bits !== 0) this.write(1, 1);
    return this.out;
  }
}

const segment = (marker: number, body: readonly number[]) => [
  0xff,
  marker,
  (body.length + 2) >> 8,
  (body.length + 2) & 0xff,
  ...body,
];

/** Encodes `shades` (rows × cols grey levels 0..255, one per 8×8 block). */
export function encodeBlockJpeg(shades: readonly (readonly number[])[]): Uint8Array {
  const rows = shades.length;
  const cols = shades[0]?.length ?? 0;
  const [height, width] = [rows * 8, cols * 8];
  const quant = [DC_QUANT, ...new Array(63).fill(1)];
  // DC table: categories 0..11, all with 4-bit codes 0000..1011. AC table: only EOB (code "0").
  const dcCounts = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const acCounts = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const bits = new BitWriter();
  let previous = 0;
  for (const row of shades) {
    for (const shade of row) {
      const dc = Math.round(((Math.max(0, Math.min(255, shade)) - 128) * 8) / DC_QUANT);
      const diff = dc - previous;
      previous = dc;
      const magnitude = Math.abs(diff);
      const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
      bits.write(category, 4);
      if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
      bits.write(0, 1); // EOB: all AC coefficients zero
    }
  }
  return Uint8Array.from([
    0xff,
    0xd8,
    ...segment(0xdb, [0x00, ...quant]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...dcCounts, ...Array.from({ length: 12 }, (_, i) => i)]),
    ...segment(0xc4, [0x10, ...acCounts, 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...bits.finish(),
    0xff,
    0xd9,
  ]);
}

/** A 1-inch-portrait-shaped test photo (pale background, head and shoulders) varied by `tone`. */
export function portraitJpeg(tone: number): Uint8Array {
  const bg = 225;
  const face = 150 + (tone % 60);
  const hair = 40 + (tone % 30);
  const shirt = 70 + ((tone * 7) % 120);
  const rows = [
    [bg, bg, hair, hair, bg, bg],
    [bg, hair, face, face, hair, bg],
    [bg, bg, face, face, bg, bg],
    [bg, bg, face, face, bg, bg],
    [bg, shirt, shirt, shirt, shirt, bg],
    [shirt, shirt, shirt, shirt, shirt, shirt],
  ];
  return encodeBlockJpeg(rows);
}
