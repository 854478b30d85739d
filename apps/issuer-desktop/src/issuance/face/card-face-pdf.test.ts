import { describe, expect, it } from "vitest";
import { portrait } from "../../../test/helpers/portrait.js";
import { normalizePhoto } from "../photo/normalize-photo.js";
import { cardFacePdf, ethnicityForFace, findCjkFont } from "./card-face-pdf.js";
import { code128 } from "./code128.js";

const CARD_NO = "11010519491231002X";

/** Module widths of the Code 128 stop pattern (bars and spaces): 2 3 3 1 1 1 2. */
function stopPattern(bars: { x: number; width: number }[]): number[] {
  const last = bars.slice(-4);
  const module = last[last.length - 1]!.width / 2;
  const widths: number[] = [];
  last.forEach((bar, i) => {
    widths.push(Math.round(bar.width / module));
    const next = last[i + 1];
    if (next) widths.push(Math.round((next.x - bar.x - bar.width) / module));
  });
  return widths;
}

describe("card face", () => {
  it("encodes the card number as Code 128 with start, data, check and stop symbols", () => {
    const barcode = code128(CARD_NO);
    expect(barcode.svg).toMatch(/^<svg/);
    // Code 128: 3 bars per symbol; start + 18 chars in set B/C mix ≥ 10 symbols + check, stop has 4 bars.
    expect(barcode.bars.length % 3).toBe(1);
    expect(barcode.bars.length).toBeGreaterThanOrEqual(3 * 11 + 4);
    expect(stopPattern(barcode.bars)).toEqual([2, 3, 3, 1, 1, 1, 2]);
    expect(code128("110105194912310021").bars).not.toEqual(barcode.bars);
  });

  it("strips 族 from the printed ethnicity only where it ends the name", () => {
    expect(ethnicityForFace("汉族")).toBe("汉");
    expect(ethnicityForFace("外国血统中国籍人士")).toBe("外国血统中国籍人士");
  });

  it("renders a one-page true-size PDF with the photo embedded as JPEG and the barcode as vector bars", async () => {
    const photo = await normalizePhoto(await portrait(300, 400));
    const pdf = await cardFacePdf(
      { name: "张三", sex: "男", ethnicity: "汉", cardNo: CARD_NO, photo: photo.jpeg, issuer: "测试发卡中心" },
      findCjkFont(),
    );
    const text = Buffer.from(pdf).toString("latin1");
    expect(text.startsWith("%PDF-")).toBe(true);
    expect(text.trimEnd().endsWith("%%EOF")).toBe(true);
    expect(text.match(/\/Type \/Page\b/g)).toHaveLength(1);
    expect(text).toMatch(/\/MediaBox \[0 0 242\.6\d* 153\.0\d*\]/);
    expect(text).toContain("/DCTDecode");
    expect(Buffer.from(pdf).indexOf(Buffer.from(photo.jpeg))).toBeGreaterThan(0);
    expect(text).toContain("WenQuanYi");
  });
});
