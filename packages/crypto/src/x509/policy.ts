import { RhcError } from "@rhc/errors";
import { z } from "zod";
import { EXTENDED_KEY_USAGE_OIDS, KEY_USAGE_NAMES } from "./oids.js";

/** Explicit chain-validation policy. Nothing is implied: "no CRL" is never "not revoked". */

const oid = z.string().regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, "dotted OID");
const ekuName = z.enum(Object.keys(EXTENDED_KEY_USAGE_OIDS) as [keyof typeof EXTENDED_KEY_USAGE_OIDS]);

export const validationPolicySchema = z
  .object({
    /** "required": every certificate below the anchor needs a fresh, valid CRL from its issuer. */
    revocation: z.enum(["required", "optional"]).default("required"),
    /** Reject CRLs issued longer ago than this (thisUpdate), even before their nextUpdate. */
    crlMaxAgeSeconds: z.number().int().positive().optional(),
    /** Accept a CRL this long after its nextUpdate (offline terminals waiting for a sync). */
    crlGraceSeconds: z.number().int().nonnegative().default(0),
    /** Tolerance for clock differences on every date comparison. */
    clockSkewSeconds: z.number().int().nonnegative().default(300),
    /** keyUsage bits the end-entity certificate must have (the extension must be present). */
    requiredKeyUsage: z.array(z.enum(KEY_USAGE_NAMES)).default([]),
    /** Extended key usages (names or OIDs) the end-entity must list. */
    requiredExtendedKeyUsage: z.array(z.union([ekuName, oid])).default([]),
    /** The end entity and each intermediate must assert one of these (CAs may assert anyPolicy). */
    requiredPolicyOids: z.array(oid).default([]),
  })
  .strict();

export type ValidationPolicy = z.output<typeof validationPolicySchema>;
export type ValidationPolicyInput = z.input<typeof validationPolicySchema>;

export function resolvePolicy(input: ValidationPolicyInput | undefined): ValidationPolicy {
  const parsed = validationPolicySchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new RhcError("CRYPTO_INVALID_INPUT", { detail: `validation policy: ${z.prettifyError(parsed.error)}` });
  }
  return parsed.data;
}

export function ekuOid(nameOrOid: string): string {
  return EXTENDED_KEY_USAGE_OIDS[nameOrOid as keyof typeof EXTENDED_KEY_USAGE_OIDS] ?? nameOrOid;
}

/** Staff (clinician) card certificates: revocation required, digitalSignature, clientAuth. */
export const STAFF_CARD_POLICY: Readonly<ValidationPolicyInput> = Object.freeze({
  revocation: "required" as const,
  requiredKeyUsage: ["digitalSignature" as const],
  requiredExtendedKeyUsage: ["clientAuth"],
});
