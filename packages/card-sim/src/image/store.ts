import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RhcError } from "@rhc/errors";
import { type CardImage, cardImageSchema } from "./schema.js";

/** Parses and validates an image (zod); a bad image is INVALID_INPUT with the path of the problem. */
export function parseImage(value: unknown, source = "card image"): CardImage {
  const parsed = cardImageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RhcError("INVALID_INPUT", {
      detail: `${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
    });
  }
  return parsed.data;
}

export function readImage(file: string): CardImage {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RhcError("NOT_FOUND", { detail: `card image ${file}: ${(error as Error).message}`, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RhcError("INVALID_INPUT", { detail: `card image ${file} is not JSON`, cause: error });
  }
  return parseImage(json, file);
}

let sequence = 0;

/**
 * Writes an image atomically: a temporary file in the same directory, then rename, so a reader
 * (a test inspecting the card, a crash mid-write) never sees half a file.
 */
export function writeImage(file: string, image: CardImage): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++sequence}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(image, null, 2)}\n`);
  renameSync(tmp, file);
}
