import { z } from "zod";
import { wireEventSchema } from "../events/envelope.js";

/**
 * Wire shapes of the platform contract (E1, I1/I2, S1–S6, D1/D2, T1). Shared by the typed client
 * (which validates every answer) and the platform sandbox (which validates every request).
 */

export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 1024 * 1024;

export const OID = {
  idNo: "urn:oid:2.16.156.10011.1.3",
  cardNo: "urn:oid:2.16.156.10011.1.19",
  /** [P] The platform's own master index domain (PMIR style: Patient.id). Not a national OID. */
  empi: "urn:oid:2.16.156.10011.0.9.1",
} as const;

const serverTime = z.iso.datetime({ offset: true });

// ---- E1 -------------------------------------------------------------------------------------
export const eventBatchSchema = z.object({
  batchId: z.string().min(1).max(64),
  /** Device wall clock when the batch was (re)sent: the platform measures skew from it. */
  sentAt: z.string().min(1).max(40),
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});
export type EventBatch = { batchId: string; sentAt: string; events: unknown[] };
export { wireEventSchema };

export const eventResultStatus = z.enum(["accepted", "duplicate", "rejected", "conflict"]);
export const eventResultSchema = z.object({
  eventId: z.string(),
  seq: z.number().int().optional(),
  status: eventResultStatus,
  /** For a duplicate: the outcome of the first delivery (replayed). */
  original: z.enum(["accepted", "rejected"]).optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});
export type EventResult = z.infer<typeof eventResultSchema>;

export const eventBatchResponseSchema = z.object({
  ackedThroughSeq: z.number().int().nonnegative(),
  results: z.array(eventResultSchema),
  serverTime,
});
export type EventBatchResponse = z.infer<typeof eventBatchResponseSchema>;

/** E1b [P]: the platform's view of a terminal's stream, used once to anchor a new local store. */
export const terminalCursorSchema = z.object({
  terminalId: z.string(),
  ackedThroughSeq: z.number().int().nonnegative(),
  highestSeq: z.number().int().nonnegative(),
  serverTime,
});
export type TerminalCursor = z.infer<typeof terminalCursorSchema>;

// ---- T1 -------------------------------------------------------------------------------------
export const timeResponseSchema = z.object({ serverTime });

// ---- I1/I2 (FHIR) ---------------------------------------------------------------------------
export const fhirIdentifierSchema = z.object({ system: z.string(), value: z.string() });
/** [P] Patient extension carrying the GB 3304 ethnicity code (no national FHIR profile exists). */
export const FHIR_ETHNICITY_EXTENSION = "urn:rhc:ethnicity-gb3304";

export const fhirPatientSchema = z.object({
  resourceType: z.literal("Patient"),
  id: z.string(),
  active: z.boolean().optional(),
  identifier: z.array(fhirIdentifierSchema).default([]),
  name: z
    .array(
      z.object({ text: z.string().optional(), family: z.string().optional(), given: z.array(z.string()).optional() }),
    )
    .default([]),
  gender: z.enum(["male", "female", "other", "unknown"]).optional(),
  birthDate: z.string().optional(),
  telecom: z.array(z.object({ system: z.string().optional(), value: z.string() })).optional(),
  address: z.array(z.object({ text: z.string().optional() })).optional(),
  extension: z.array(z.object({ url: z.string(), valueString: z.string().optional() })).optional(),
});
export type FhirPatient = z.infer<typeof fhirPatientSchema>;

export const pdqBundleSchema = z.object({
  resourceType: z.literal("Bundle"),
  type: z.literal("searchset"),
  total: z.number().int().nonnegative(),
  entry: z.array(z.object({ fullUrl: z.string().optional(), resource: fhirPatientSchema })).default([]),
});

export const pixParametersSchema = z.object({
  resourceType: z.literal("Parameters"),
  parameter: z
    .array(
      z.object({
        name: z.enum(["targetIdentifier", "targetId"]),
        valueIdentifier: fhirIdentifierSchema.optional(),
        valueReference: z.object({ reference: z.string() }).optional(),
      }),
    )
    .default([]),
});

// ---- S1–S6 ----------------------------------------------------------------------------------
/** Amounts are integer fen (0.01 CNY) everywhere: no floating-point money. */
export const setlInfoSchema = z.object({
  feeTotal: z.number().int(),
  fundPay: z.number().int(),
  acctPay: z.number().int(),
  cashPay: z.number().int(),
});
export type SetlInfo = z.infer<typeof setlInfoSchema>;

export const settlementInputSchema = z.object({
  orgId: z.string().regex(/^\d{12}$/, "orgId: 12-digit institution code"),
  psnNo: z.string().min(1).max(30),
  certType: z.enum(["01", "02", "03"]),
  certNo: z.string().min(1).max(50),
  medType: z.string().min(1).max(6),
  insutype: z.string().min(1).max(6),
  clrType: z.enum(["11", "21", "41"]),
  chrgBatchNo: z.string().min(1).max(40),
  feeTotal: z.number().int().positive(),
  items: z.array(z.object({ code: z.string().max(40), name: z.string().max(100), amount: z.number().int() })).max(500),
});
export type SettlementInput = z.infer<typeof settlementInputSchema>;

export const presettleResponseSchema = z.object({
  quoteId: z.string(),
  setlinfo: setlInfoSchema,
  expiresAt: serverTime,
  serverTime,
});

export const settleRequestSchema = settlementInputSchema.extend({
  quoteId: z.string().optional(),
  reversalPrepared: z.literal(true),
});
export const settleResponseSchema = z.object({
  txnSerial: z.string(),
  setlId: z.string(),
  setlinfo: setlInfoSchema,
  serverTime,
});

export const remoteSettlementState = z.enum(["PENDING", "SETTLED", "FAILED", "REVERSED", "CANCELLED", "NOT_FOUND"]);
export const settlementStatusSchema = z.object({
  txnSerial: z.string(),
  state: remoteSettlementState,
  setlId: z.string().optional(),
  setlinfo: setlInfoSchema.optional(),
  tombstone: z.boolean().optional(),
  serverTime,
});
export type SettlementStatus = z.infer<typeof settlementStatusSchema>;

export const reverseRequestSchema = z.object({ reason: z.string().min(1).max(200), requestedAt: z.string() });
export const reverseResponseSchema = z.object({
  txnSerial: z.string(),
  state: z.enum(["REVERSED", "NOT_FOUND_TOMBSTONED"]),
  serverTime,
});

export const cancelRequestSchema = z.object({ setlId: z.string(), psnNo: z.string() });
export const cancelResponseSchema = z.object({
  txnSerial: z.string(),
  cancelSerial: z.string(),
  setlinfo: setlInfoSchema,
  serverTime,
});

export const reconTotalsSchema = z.object({
  insutype: z.string(),
  clrType: z.string(),
  count: z.number().int().nonnegative(),
  medfeeTotal: z.number().int(),
  fundPayTotal: z.number().int(),
  acctPayTotal: z.number().int(),
});
export type ReconTotals = z.infer<typeof reconTotalsSchema>;
export const reconRequestSchema = z.object({
  totals: z.array(reconTotalsSchema).max(100),
  details: z
    .array(z.object({ txnSerial: z.string(), setlId: z.string(), feeTotal: z.number().int() }))
    .max(100_000)
    .optional(),
});
export const reconResponseSchema = z.object({
  result: z.enum(["match", "mismatch"]),
  diffs: z.array(
    z.object({
      key: z.string(),
      field: z.string(),
      terminal: z.union([z.number(), z.string(), z.null()]),
      platform: z.union([z.number(), z.string(), z.null()]),
    }),
  ),
  serverTime,
});
export type ReconResponse = z.infer<typeof reconResponseSchema>;

// ---- D1/D2 ----------------------------------------------------------------------------------
export const signatureSchema = z.object({ keyId: z.string(), alg: z.string(), value: z.string() });
export type ListSignature = z.infer<typeof signatureSchema>;

export const hotlistEntrySchema = z.object({
  cardKey: z.string().min(1).max(64),
  status: z.enum(["blocked", "unblocked", "replaced"]),
  replacedBy: z.string().optional(),
  effectiveAt: z.string(),
  reason: z.string().max(200),
});
export type HotlistEntry = z.infer<typeof hotlistEntrySchema>;

export const hotlistChangeSchema = hotlistEntrySchema.extend({ seq: z.number().int().positive() });
export type HotlistChange = z.infer<typeof hotlistChangeSchema>;

export const hotlistChangesSchema = z.object({
  since: z.number().int().nonnegative(),
  changes: z.array(hotlistChangeSchema),
  nextSince: z.number().int().nonnegative(),
  upToDate: z.boolean(),
  listVersion: z.number().int().nonnegative(),
  signature: signatureSchema,
  serverTime,
});
export type HotlistChanges = z.infer<typeof hotlistChangesSchema>;

export const hotlistSnapshotSchema = z.object({
  listVersion: z.number().int().nonnegative(),
  asOfSeq: z.number().int().nonnegative(),
  entries: z.array(hotlistEntrySchema),
  signature: signatureSchema,
});
export type HotlistSnapshot = z.infer<typeof hotlistSnapshotSchema>;

/** The bytes a hotlist page or snapshot signature covers (canonical JSON without the signature). */
export function hotlistChangesSigningInput(c: Omit<HotlistChanges, "signature" | "serverTime">): unknown {
  return {
    kind: "hotlist.changes",
    since: c.since,
    changes: c.changes,
    nextSince: c.nextSince,
    upToDate: c.upToDate,
    listVersion: c.listVersion,
  };
}
export function hotlistSnapshotSigningInput(s: Omit<HotlistSnapshot, "signature">): unknown {
  return { kind: "hotlist.snapshot", listVersion: s.listVersion, asOfSeq: s.asOfSeq, entries: s.entries };
}

// ---- errors ---------------------------------------------------------------------------------
/** Problem details (RFC 9457) as the platform sends them; `code` is an RhcError code when known. */
export const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  code: z.string().optional(),
  detail: z.string().optional(),
});
