import { z } from "zod";

const cardNo = z.string().regex(/^[0-9A-Za-z]{6,32}$/, "card number: 6–32 letters or digits");
const idNo = z.string().regex(/^\d{17}[\dX]$/, "ID number: 18 characters (GB 11643)");
const fen = z.number().int();

/**
 * The one table of event types: each type's aggregate kind and its payload schema. The sync package
 * validates payloads at append (nothing invalid reaches the outbox) and the platform validates them
 * again at ingest. Adding a type is adding a row.
 */
export const EVENT_TYPES = {
  "card.issued": {
    aggregate: "card",
    summary: "A card was personalised and handed to the resident (feeds the platform EMPI, I3).",
    payload: z.object({
      cardNo,
      idNo,
      name: z.string().min(1).max(30),
      gender: z.enum(["male", "female", "unknown"]),
      birthDate: z.iso.date(),
      issuerOrgId: z.string().min(1).max(32),
      ethnicity: z
        .string()
        .regex(/^\d{2}$/)
        .optional(),
      phone: z.string().max(20).optional(),
      address: z.string().max(120).optional(),
    }),
  },
  "card.read": {
    aggregate: "card",
    summary: "A card was read at a desk (registration, visit, settlement).",
    payload: z.object({
      cardNo,
      purpose: z.enum(["registration", "visit", "settlement", "issuance", "other"]),
      genuine: z.boolean(),
      hotlist: z.enum(["clear", "listed", "unknown"]),
    }),
  },
  "card.reported_lost": {
    aggregate: "card",
    summary: "The holder reported the card lost; the platform blocks it (hotlist).",
    payload: z.object({ cardNo, reason: z.string().min(1).max(200) }),
  },
  "card.unblocked": {
    aggregate: "card",
    summary: "A blocked card was found again and unblocked.",
    payload: z.object({ cardNo, reason: z.string().min(1).max(200) }),
  },
  "card.replaced": {
    aggregate: "card",
    summary: "A card was replaced by a new one; the old number is listed as replaced.",
    payload: z.object({ cardNo, newCardNo: cardNo, reason: z.string().min(1).max(200) }),
  },
  "card.pin_reset": {
    aggregate: "card",
    summary: "The card PIN was reset or unblocked by the issuer.",
    payload: z.object({ cardNo, method: z.enum(["issuer", "holder"]) }),
  },
  "clinician.login": {
    aggregate: "clinician",
    summary: "A clinician or operator logged in with a staff CA card.",
    payload: z.object({ staffId: z.string().min(1).max(64), certSerial: z.string().max(64).optional() }),
  },
  "clinician.logout": {
    aggregate: "clinician",
    summary: "A clinician or operator logged out (or the staff card was removed).",
    payload: z.object({
      staffId: z.string().min(1).max(64),
      reason: z.enum(["manual", "card_removed", "timeout"]),
    }),
  },
  "record.written": {
    aggregate: "card",
    summary: "A record was written to the card (visit, prescription, ...).",
    payload: z.object({
      cardNo,
      recordType: z.string().min(1).max(32),
      recordId: z.string().max(64).optional(),
      bytes: z.number().int().nonnegative().optional(),
    }),
  },
  "settlement.recorded": {
    aggregate: "settlement",
    summary: "A settlement reached a final local state (record and audit of S1–S5).",
    payload: z.object({
      txnSerial: z.string().min(1).max(40),
      state: z.enum(["SETTLED", "FAILED", "REVERSED", "CANCELLED"]),
      setlId: z.string().max(64).optional(),
      feeTotal: fen,
      fundPay: fen.optional(),
      acctPay: fen.optional(),
      cashPay: fen.optional(),
    }),
  },
} as const satisfies Record<string, { aggregate: string; summary: string; payload: z.ZodType }>;

export type EventType = keyof typeof EVENT_TYPES;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_TYPES)[T]["payload"]>;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && Object.hasOwn(EVENT_TYPES, value);
}
