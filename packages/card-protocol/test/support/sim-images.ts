import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makePsamImage, makeResidentImage, parseImage, regionPki, toRegion } from "@rhc/card-sim";
import { fromHex } from "../../src/util/hex.js";

export const REGION = "410100";

/** A resident image saved to a file after every write, so tests can read the card's memory. */
export function residentFile(seed: string, options: { mode?: "strict" | "vendor" } = {}) {
  const image = makeResidentImage({ seed, region: REGION, ...options });
  const dir = mkdtempSync(join(tmpdir(), "rhc-protocol-"));
  const file = join(dir, `${seed}.json`);
  const person = image.meta?.person as { name: string; sex: number; birthDate: string; citizenId: string };
  return { image, file, person };
}

export const psamImage = () => makePsamImage({ region: REGION });

/** The root public key the region's issuer certificates chain to. */
export const regionRoot = () => regionPki(toRegion(REGION)).root.publicKey;

/** A file of the card as stored in its image file right now (hex record list or data). */
export function storedFile(file: string, path: string): { data?: Uint8Array; records?: Uint8Array[] } {
  const image = parseImage(JSON.parse(readFileSync(file, "utf8")));
  const stored = image.cos.files[path] as { data?: string; records?: string[] };
  return {
    ...(stored.data ? { data: fromHex(stored.data) } : {}),
    ...(stored.records ? { records: stored.records.map(fromHex) } : {}),
  };
}
