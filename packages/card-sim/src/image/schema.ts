import { z } from "zod";
import { cosStateSchema } from "../cos/state.js";

const hex = z.string().regex(/^([0-9A-Fa-f]{2})*$/, "hex bytes");
const hexOf = (bytes: number) => z.string().regex(new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`), `${bytes} hex bytes`);

/** A SAM master key: 80 DE usage/index → 16-byte master. */
const samMaster = z
  .object({
    name: z.string(),
    usage: z.number().int().min(0).max(255),
    index: z.number().int().min(0).max(255),
    key: hexOf(16),
  })
  .strict();

const sm2Key = z.object({ privateKey: hexOf(32), publicKey: hexOf(65) }).strict();

const common = {
  format: z.literal("rhc-card-image/1"),
  label: z.string().optional(),
  mode: z.enum(["strict", "vendor"]).optional(),
  /** How the image was made (seed, region, person summary); informative, the card ignores it. */
  meta: z.record(z.string(), z.unknown()).optional(),
  cos: cosStateSchema,
};

export const residentImageSchema = z.object({ ...common, profile: z.literal("resident"), cardF: hexOf(8) }).strict();

export const samImageSchema = z
  .object({
    ...common,
    profile: z.enum(["psam", "isam"]),
    masters: z.array(samMaster),
    sm2: sm2Key,
  })
  .strict();

export const staffImageSchema = z
  .object({
    ...common,
    profile: z.literal("staff"),
    /** Signature algorithm of the key pair. */
    algorithm: z.enum(["sm2", "rsa", "ecdsa-p256"]),
    /** PKCS#8 DER of the private key (sm2: the 32-byte scalar). */
    privateKey: hex,
  })
  .strict();

/**
 * A card image: everything a card holds (profile, keys, files, counters, lifecycle) as JSON.
 * Images hold TEST keys in clear: they are a simulated chip's memory, never production material.
 */
export const cardImageSchema = z.discriminatedUnion("profile", [residentImageSchema, samImageSchema, staffImageSchema]);

export type CardImage = z.infer<typeof cardImageSchema>;
export type ResidentImage = z.infer<typeof residentImageSchema>;
export type SamImage = z.infer<typeof samImageSchema>;
export type StaffImage = z.infer<typeof staffImageSchema>;
export type CardProfile = CardImage["profile"];
