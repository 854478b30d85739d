import { z } from "zod";

/**
 * The holder data the desk captures, named by the card data-element keys of `@rhc/card-protocol`
 * (spec §3.2), so that form fields, CSV columns, validation errors and card writes all use one name.
 * Values travel as form strings; the issuance side converts them to element values.
 */
export const RESIDENT_KEYS = [
  "citizenId",
  "name",
  "sex",
  "ethnicity",
  "birthDate",
  "phone1",
  "phone2",
  "paymentMethod1",
  "paymentMethod2",
  "paymentMethod3",
  "addressType1",
  "address1",
  "addressType2",
  "address2",
  "contact1Name",
  "contact1Relation",
  "contact1Phone",
  "education",
  "maritalStatus",
  "occupation",
  "healthRecordNumber",
  "aboBloodGroup",
  "rhNegative",
] as const;
export type ResidentKey = (typeof RESIDENT_KEYS)[number];

/** Fields an operator must fill in (the card face and the platform registration need them). */
export const REQUIRED_RESIDENT_KEYS: readonly ResidentKey[] = ["citizenId", "name", "sex", "ethnicity", "birthDate"];

const value = z.string().max(400);
export const ResidentSchema = z
  .object(
    Object.fromEntries(RESIDENT_KEYS.map((k) => [k, value.optional()])) as Record<
      ResidentKey,
      z.ZodOptional<typeof value>
    >,
  )
  .strict();
export type Resident = z.infer<typeof ResidentSchema>;

/** One problem with one field, as shown next to the field (and in CSV import reports with the row). */
export const FieldProblemSchema = z.object({
  field: z.string(),
  zh: z.string(),
  en: z.string(),
});
export type FieldProblem = z.infer<typeof FieldProblemSchema>;

/** What the form needs to know about a field: labels, byte length, allowed codes. */
export const FieldInfoSchema = z.object({
  key: z.string(),
  zh: z.string(),
  en: z.string(),
  format: z.enum(["ans", "cn", "b"]),
  length: z.number().int(),
  kind: z.string(),
  required: z.boolean(),
  codes: z.record(z.string(), z.string()).optional(),
});
export type FieldInfo = z.infer<typeof FieldInfoSchema>;
