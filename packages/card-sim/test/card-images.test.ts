import { readdirSync } from "node:fs";
import { verifyCompactChain } from "@rhc/crypto";
import { vectorPath } from "@rhc/test-vectors";
import { describe, expect, it } from "vitest";
import { makeBlankImage, makeResidentImage } from "../src/generator/resident.js";
import { makeIsamImage, makePsamImage } from "../src/generator/sam.js";
import type { CardImage } from "../src/image/schema.js";
import { readImage } from "../src/image/store.js";
import { regionPki } from "../src/keys/pki.js";
import { toRegion } from "../src/keys/region.js";
import { inProcessDesk } from "./support/in-process.js";
import { VENDOR_FLOWS } from "./support/vendor-flows.js";

// The sample images shipped in test-vectors/card-images (for HIS developers and other packages)
// still load, still equal what the generators make, and still work together.
const dir = vectorPath("card-images", "410100");
const load = (name: string) => readImage(`${dir}/${name}`);
const hexOf = (image: CardImage, path: string, record?: number) => {
  const file = image.cos.files[path];
  return file && "records" in file ? file.records[record ?? 0] : file?.data;
};

/** The image without the SM2 signature bytes of its certificates (randomised at generation). */
function withoutSignatures(image: CardImage): unknown {
  const copy = structuredClone(image);
  const strip = (path: string, record?: number) => {
    const file = copy.cos.files[path];
    if (file && "records" in file && record !== undefined) file.records[record] = "";
    else if (file && "data" in file) file.data = "";
  };
  strip("3F00/DDF1/EF05", 4);
  strip("3F00/DF01/001B");
  strip("3F00/DF01/001C");
  return copy;
}

describe("sample card images (test-vectors/card-images/410100)", () => {
  it("all load and match their generators", () => {
    const names = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) expect(load(name).format).toBe("rhc-card-image/1");
    const pairs: [string, CardImage][] = [
      ["resident-1.json", makeResidentImage({ seed: "demo-resident-1", region: "410100" })],
      [
        "resident-2-holder-pin.json",
        makeResidentImage({ seed: "demo-resident-2", region: "410100", holderPin: "123456" }),
      ],
      ["demo-blank-1.json", makeBlankImage({ seed: "demo-blank-1", region: "410100" })],
      ["psam.json", makePsamImage({ region: "410100" })],
      ["isam.json", makeIsamImage({ region: "410100" })],
    ];
    for (const [name, generated] of pairs)
      expect(withoutSignatures(load(name)), name).toEqual(withoutSignatures(generated));
  });

  it("the stored certificates chain to the region root and the cards work with the stored PSAM", async () => {
    const resident = load("resident-1.json");
    const sam = load("psam.json");
    if (resident.profile !== "resident" || sam.profile !== "psam") throw new Error("wrong sample profiles");
    const issuerCertificate = Buffer.from(hexOf(resident, "3F00/DDF1/EF05", 4)!, "hex").subarray(2);
    const chain = verifyCompactChain(
      {
        rootPublicKey: regionPki(toRegion("410100")).root.publicKey,
        issuerCertificate,
        samCertificate: Buffer.from(hexOf(sam, "3F00/DF01/001C")!, "hex"),
      },
      { at: "20260101" },
    );
    expect(chain.reasons).toEqual([]);
    const desk = inProcessDesk(resident, sam);
    await desk.terminal.startSession(desk.card.atr());
    const ctx = { resident, sam, issuerCertificate };
    for (const flow of VENDOR_FLOWS.filter((f) => /§6\.(3|12)/.test(f.name))) await flow.run(desk.terminal, ctx);
  });
});
