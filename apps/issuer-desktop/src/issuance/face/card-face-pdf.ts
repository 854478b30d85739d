import { existsSync } from "node:fs";
import { RhcError } from "@rhc/errors";
import PDFDocument from "pdfkit";
import { code128 } from "./code128.js";

/** What is printed on the card front (spec §6.15 step 8, S1 items 10–14). */
export interface CardFace {
  name: string;
  /** Printed label, e.g. "男". */
  sex: string;
  /** Printed without the trailing 族 (S1 item 12), e.g. "汉". */
  ethnicity: string;
  cardNo: string;
  /** Card photo JPEG, if the card has one. */
  photo?: Uint8Array;
  issuer?: string;
}

export interface FontChoice {
  path: string;
  /** Face name inside a TrueType collection (.ttc). */
  family?: string;
}

/** CJK fonts found on typical desks (Debian fonts-wqy-microhei / Noto CJK, Windows). */
export const FONT_CANDIDATES: readonly FontChoice[] = [
  { path: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", family: "WenQuanYiMicroHei" },
  { path: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { path: "C:\\Windows\\Fonts\\msyh.ttc", family: "MicrosoftYaHei" },
  { path: "C:\\Windows\\Fonts\\simhei.ttf" },
];

export function findCjkFont(configured?: FontChoice): FontChoice {
  const candidates = configured ? [configured] : FONT_CANDIDATES;
  const found = candidates.find((c) => existsSync(c.path));
  if (!found) {
    throw new RhcError("CONFIG_INVALID", {
      detail: `no CJK font for the card face: set faceFont in the configuration (tried ${candidates.map((c) => c.path).join(", ")})`,
    });
  }
  return found;
}

/** ID-1 card size, 85.60 × 53.98 mm, in PDF points. */
const MM = 72 / 25.4;
const CARD = { width: 85.6 * MM, height: 53.98 * MM };

/** The strip that stays "ethnicity" on the card: 汉族 → 汉, 其他未识别民族 stays as it is. */
export function ethnicityForFace(label: string): string {
  return label.endsWith("族") ? label.slice(0, -1) : label;
}

/** A one-page PDF of the card front at true size, ready for a card printer driver. */
export async function cardFacePdf(face: CardFace, font: FontChoice): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [CARD.width, CARD.height],
    margin: 0,
    info: { Title: `居民健康卡 ${face.cardNo}` },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.registerFont("cjk", font.path, font.family);
  const pad = 4 * MM;

  doc.rect(0, 0, CARD.width, 9 * MM).fill("#1f6f5c");
  doc
    .fillColor("#ffffff")
    .font("cjk")
    .fontSize(11)
    .text("居民健康卡", pad, 2.4 * MM, { lineBreak: false });
  if (face.issuer)
    doc.fontSize(6).text(face.issuer, CARD.width / 2, 3.6 * MM, { width: CARD.width / 2 - pad, align: "right" });

  const photo = { x: CARD.width - pad - 22 * MM, y: 12 * MM, w: 22 * MM, h: 27 * MM };
  if (face.photo) {
    doc.image(Buffer.from(face.photo), photo.x, photo.y, {
      fit: [photo.w, photo.h],
      align: "center",
      valign: "center",
    });
  }
  doc.rect(photo.x, photo.y, photo.w, photo.h).lineWidth(0.3).stroke("#999999");

  doc.fillColor("#000000").fontSize(8);
  const rows: [string, string][] = [
    ["姓名", face.name],
    ["性别", face.sex],
    ["民族", face.ethnicity],
  ];
  rows.forEach(([label, value], i) => {
    const y = 13 * MM + i * 6 * MM;
    doc.fillColor("#555555").text(label, pad, y, { lineBreak: false });
    doc.fillColor("#000000").text(value, pad + 10 * MM, y, { lineBreak: false });
  });
  doc.fontSize(7).text(`卡号 ${face.cardNo}`, pad, 31.5 * MM, { lineBreak: false });

  // Code 128 of the card number, drawn as vector bars.
  const barcode = code128(face.cardNo);
  const box = { x: pad, y: 37 * MM, w: CARD.width - 2 * pad - 24 * MM, h: 9 * MM };
  const scale = box.w / barcode.width;
  for (const bar of barcode.bars) doc.rect(box.x + bar.x * scale, box.y, bar.width * scale, box.h);
  doc.fill("#000000");
  doc.fontSize(6).text(face.cardNo, box.x, box.y + box.h + 1 * MM, { width: box.w, align: "center" });

  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
