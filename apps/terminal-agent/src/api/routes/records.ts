import { ED_LAYOUT, EE_LAYOUT, type VisitLayout } from "@rhc/card-protocol";
import type { ErrorCode } from "@rhc/errors";
import { z } from "zod";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";
import { CLINICIAN_HEADER } from "./clinician.js";

/** The writable fields of a visit record layout, each described with its Chinese name. */
function visitFields(layout: VisitLayout) {
  const shape: Record<string, z.ZodOptional<z.ZodType>> = {};
  for (const f of layout.fields) {
    if (f.offset >= layout.signedLength || f.kind === "bytes") continue;
    const base =
      f.kind === "number" || f.kind === "money" || f.kind === "byte" || f.kind === "flag" ? z.number() : z.string();
    shape[f.key] = base.describe(`${f.zh} / ${f.en} (${f.format} ${f.length})`).optional();
  }
  return z.object(shape).strict();
}

const outcome = z.object({
  cardNo: z.string(),
  recordType: z.string(),
  slot: z.number().int().optional(),
  replaced: z.boolean().optional().describe("the oldest record was overwritten (all slots were in use)"),
  event: z.object({ eventId: z.string(), seq: z.number().int() }),
  clinician: z.object({ staffId: z.string() }),
});

const WRITE_ERRORS: readonly ErrorCode[] = [
  "CLINICIAN_REQUIRED",
  "CERT_REVOKED",
  "REVOCATION_UNKNOWN",
  "NO_CARD",
  "SAM_MISSING",
  "CARD_REMOVED",
  "CARD_BUSY",
  "HOTLISTED",
  "LIST_STALE",
  "CARD_NOT_GENUINE",
  "FIELD_INVALID",
  "SAM_PIN_REQUIRED",
  "STORE_FULL",
];

const VISIT_KINDS = [
  { kind: "outpatient", layout: ED_LAYOUT, slots: 5, zh: "门诊" },
  { kind: "inpatient", layout: EE_LAYOUT, slots: 3, zh: "住院" },
] as const;

const header = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h);
const CLINICIAN_NOTE =
  " Needs scope write and a clinician session (`X-Clinician-Session` from POST /v1/clinician/login).";

/** Visit records, allergies and immunisations written to the card by a logged-in clinician. */
export function recordRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    ...VISIT_KINDS.map(({ kind, layout, slots, zh }) =>
      route({
        method: "POST",
        path: `/v1/card/visits/${kind}`,
        operationId: `write${kind[0]!.toUpperCase()}${kind.slice(1)}Visit`,
        summary: `Write an ${kind} (${zh}) record; the SAM signs it`,
        description: `Chooses a free slot of ${slots} (or the oldest), writes the record, has the SAM sign it (SM2) and marks the slot valid.${CLINICIAN_NOTE}`,
        tag: "records",
        auth: "write",
        clinician: true,
        status: 201,
        errors: WRITE_ERRORS,
        body: z.object({ record: visitFields(layout), slot: z.number().int().min(1).max(slots).optional() }),
        response: outcome,
        handler: ({ body, client, request }) =>
          ctx.cardWrite.writeVisit(
            client!.clientId,
            header(request.headers[CLINICIAN_HEADER]),
            kind,
            body.record,
            body.slot,
          ),
      }),
    ),
    route({
      method: "POST",
      path: "/v1/card/allergies",
      operationId: "addAllergy",
      summary: "Add an allergy (cyclic: the oldest of 3 is replaced)",
      description: `Written with secure messaging (strict mode).${CLINICIAN_NOTE}`,
      tag: "records",
      auth: "write",
      clinician: true,
      status: 201,
      errors: WRITE_ERRORS,
      body: z.object({
        substance: z.string().min(1).describe("过敏物质名称, at most 20 bytes GBK"),
        reaction: z.string().min(1).describe("过敏反应, at most 100 bytes GBK"),
      }),
      response: outcome,
      handler: ({ body, client, request }) =>
        ctx.cardWrite.addAllergy(client!.clientId, header(request.headers[CLINICIAN_HEADER]), body),
    }),
    route({
      method: "POST",
      path: "/v1/card/immunisations",
      operationId: "addImmunisation",
      summary: "Add an immunisation (cyclic: the oldest of 10 is replaced)",
      description: CLINICIAN_NOTE.trim(),
      tag: "records",
      auth: "write",
      clinician: true,
      status: 201,
      errors: WRITE_ERRORS,
      body: z.object({
        vaccine: z.string().min(1).describe("免疫接种名称, at most 20 bytes GBK"),
        date: z
          .string()
          .regex(/^\d{8}$/, "YYYYMMDD")
          .describe("免疫接种时间 YYYYMMDD"),
      }),
      response: outcome,
      handler: ({ body, client, request }) =>
        ctx.cardWrite.addImmunisation(client!.clientId, header(request.headers[CLINICIAN_HEADER]), body),
    }),
  ];
}
