import { X509Certificate } from "node:crypto";
import {
  ALLERGY_LAYOUT,
  decodeElementRecord,
  decodeLayout,
  decodePhotoLength,
  elementsOf,
  FILES,
  type FileId,
  fromHex,
  IMMUNISATION_LAYOUT,
} from "@rhc/card-protocol";
import type { CardImage } from "../image/schema.js";
import { DF_PATHS } from "../profiles/resident/layout.js";

const SECRET = "•••• (use --show-secrets)";

function fileOf(image: CardImage, path: string): { data?: string; records?: string[] } | undefined {
  return image.cos.files[path];
}

function residentData(image: CardImage, out: string[]): void {
  for (const file of FILES) {
    const path = `${DF_PATHS[file.df]}/${file.fid.toString(16).toUpperCase()}`;
    const stored = fileOf(image, path);
    if (!stored) continue;
    if (file.structure === "tlv-records") {
      out.push(`  ${file.id} ${file.zh}`);
      const elements = elementsOf(file.id as FileId);
      (stored.records ?? []).forEach((hex, i) => {
        const e = elements[i];
        if (!e) return;
        let value: unknown;
        try {
          value = decodeElementRecord(e, fromHex(hex));
        } catch (error) {
          value = `<${(error as Error).message}>`;
        }
        const shown = value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value);
        out.push(`    ${String(i + 1).padStart(2)} ${e.key} (${e.zh}): ${shown}`);
      });
      if (!stored.records?.length) out.push("    (no records)");
    } else if (file.structure === "cyclic") {
      const layout = file.id === "DF02/EF07" ? ALLERGY_LAYOUT : IMMUNISATION_LAYOUT;
      out.push(`  ${file.id} ${file.zh}: ${stored.records?.length ?? 0} of ${file.records}`);
      for (const hex of stored.records ?? []) out.push(`    ${JSON.stringify(decodeLayout(layout, fromHex(hex)))}`);
    } else if (file.structure === "linear-fixed") {
      out.push(`  ${file.id} ${file.zh}: ${(stored.records ?? []).join(" ")}`);
    } else if (file.id === "DDF1/EF07") {
      const data = fromHex(stored.data ?? "");
      out.push(`  ${file.id} ${file.zh}: ${decodePhotoLength(data)} bytes of JPEG`);
    } else {
      const data = fromHex(stored.data ?? "");
      const used = data.some((b) => b !== 0);
      out.push(`  ${file.id} ${file.zh}: ${used ? "written" : "empty"}`);
    }
  }
}

/** A readable summary of a card image; keys and PINs are hidden unless `showSecrets`. */
export function dumpImage(image: CardImage, showSecrets = false): string {
  const out: string[] = [];
  out.push(`${image.profile} card: ${image.label ?? ""}`);
  out.push(`lifecycle: ${image.cos.lifecycle}${image.mode ? `, mode ${image.mode}` : ""}`);
  if (image.profile === "resident") out.push(`cardF: ${image.cardF}`);
  if (image.meta) out.push(`made by: ${JSON.stringify(image.meta)}`);
  const blocked = Object.entries(image.cos.apps).filter(([, s]) => s !== "active");
  if (blocked.length) out.push(`blocked: ${blocked.map(([p, s]) => `${p} ${s}`).join(", ")}`);
  out.push("keys:");
  for (const [name, key] of Object.entries(image.cos.keys)) {
    const value = key.value ? (showSecrets ? key.value : SECRET) : "(empty)";
    out.push(`  ${name}: ${value} tries ${key.triesLeft}/${key.maxTries}`);
  }
  out.push("PINs:");
  for (const [name, pin] of Object.entries(image.cos.pins)) {
    const value = pin.value ? (showSecrets ? pin.value : SECRET) : "(not set)";
    out.push(`  ${name}: ${value} tries left ${pin.triesLeft}`);
  }
  if (image.profile === "psam" || image.profile === "isam") {
    out.push("masters (80 DE usage/index):");
    for (const m of image.masters) {
      out.push(
        `  ${m.name}: ${m.usage.toString(16).padStart(2, "0")}/${m.index.toString(16).padStart(2, "0")} ${showSecrets ? m.key : SECRET}`,
      );
    }
    out.push(`SM2 public key: ${image.sm2.publicKey}`);
    out.push(`terminal number (EF0016): ${fileOf(image, "3F00/0016")?.data}`);
  }
  if (image.profile === "staff") {
    const data = fromHex(fileOf(image, "3F00/5000/C000")?.data ?? "");
    const length = 4 + ((data[2]! << 8) | data[3]!);
    const cert = new X509Certificate(Buffer.from(data.subarray(0, length)));
    out.push(`certificate: ${cert.subject.replace(/\n/g, ", ")} (issuer ${cert.issuer.replace(/\n/g, ", ")})`);
    out.push(`valid: ${cert.validFrom} – ${cert.validTo}; algorithm ${image.algorithm}`);
  }
  if (image.profile === "resident") {
    out.push("data:");
    residentData(image, out);
  }
  return out.join("\n");
}
