import bwipjs from "bwip-js";

/** One bar of a barcode in the barcode's own units (x = left edge). */
export interface Bar {
  x: number;
  width: number;
}

export interface Barcode {
  svg: string;
  /** Width and height of the SVG viewBox. */
  width: number;
  height: number;
  bars: Bar[];
}

/**
 * The card number as Code 128 (spec S1 item 14 note 4), drawn by bwip-js. The bars are also
 * returned as rectangles so the PDF gets a vector barcode that prints sharply at any size.
 */
export function code128(text: string, height = 10): Barcode {
  const svg = bwipjs.toSVG({ bcid: "code128", text, height, includetext: false });
  const box = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  const bars: Bar[] = [];
  for (const path of svg.matchAll(/<path[^>]*stroke-width="([\d.]+)"[^>]*d="([^"]+)"/g)) {
    const strokeWidth = Number(path[1]);
    for (const move of path[2]!.matchAll(/M([\d.]+) [\d.]+L[\d.]+ [\d.]+/g)) {
      bars.push({ x: Number(move[1]) - strokeWidth / 2, width: strokeWidth });
    }
  }
  bars.sort((a, b) => a.x - b.x);
  return { svg, width: Number(box?.[1] ?? 0), height: Number(box?.[2] ?? 0), bars };
}
