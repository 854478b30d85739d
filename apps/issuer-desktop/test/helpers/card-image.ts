import { elementsOf, encodePhoto, encodeTlvFile, FILES, type FileId, fileDef, toHex } from "@rhc/card-protocol";
import { type CosState, makeBlankImage, makeResidentImage } from "@rhc/card-sim";

/** The card-image path of a file (`3F00/DDF1[/DF0x]/EFxx`). */
export const imagePath = (file: FileId) =>
  `3F00/DDF1/${fileDef(file).df === "DDF1" ? "" : `${fileDef(file).df}/`}${file.slice(-4)}`;

/**
 * What a blank card of `seed` must hold once personalised with `values` and `photo`: the keys of
 * the generated card of the same seed (transport keys erased), every TLV file written in full,
 * the photo, DF03 index flags free, lifecycle operational; everything else as the factory left it.
 */
export function expectedCard(seed: string, values: Record<string, unknown>, photo: Uint8Array): CosState {
  const state = structuredClone(makeBlankImage({ seed, region: "410100" }).cos);
  state.lifecycle = "operational";
  state.keys = makeResidentImage({ seed, region: "410100" }).cos.keys;
  for (const def of FILES.filter((f) => f.structure === "tlv-records")) {
    const keys = new Set(elementsOf(def.id).map((e) => e.key));
    const own = Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
    state.files[imagePath(def.id)] = { records: encodeTlvFile(def.id, own as never).map((r) => toHex(r)) };
  }
  const stored = new Uint8Array(fileDef("DDF1/EF07").size!);
  stored.set(encodePhoto(photo));
  state.files[imagePath("DDF1/EF07")] = { data: toHex(stored) };
  state.files[imagePath("DF03/EF05")] = { records: ["FF", "FF", "FF"] };
  state.files[imagePath("DF03/EF06")] = { records: ["FF", "FF", "FF", "FF", "FF"] };
  return state;
}
