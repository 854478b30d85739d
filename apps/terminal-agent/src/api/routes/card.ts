import { z } from "zod";
import { CARD_SECTION_NAMES } from "../../services/card-read.js";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";

const checkResult = z.object({
  status: z.enum(["passed", "failed", "skipped", "error"]),
  reasons: z.array(z.string()),
});

export const cardReadResponse = z.object({
  cardNo: z.string().describe("卡号 = the holder's ID number"),
  cardSerial: z.string().nullable().describe("发卡序列号: which physical card (a replacement keeps the card number)"),
  authenticity: z.object({
    genuine: z.boolean(),
    checks: z.object({ internalAuthentication: checkResult, issuerCertificate: checkResult }),
  }),
  hotlist: z.object({
    listed: z.literal(false),
    stale: z.boolean(),
    listVersion: z.number().nullable(),
    ageMs: z.number().nullable(),
  }),
  warnings: z.array(z.string()),
  sections: z
    .partialRecord(z.enum(CARD_SECTION_NAMES), z.unknown())
    .describe(
      "identity {issuer, holder, contact}; contacts; addresses; photo {contentType, base64} | null; " +
        "clinical {medical, special, allergies, immunisations}; visits [{kind, slot, record, signature}]",
    ),
  event: z
    .object({ eventId: z.string(), seq: z.number().int() })
    .describe("the card.read event committed to the outbox"),
});

/** Card reads by section, with the genuine-card and hotlist checks and the outbox event. */
export function cardRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "POST",
      path: "/v1/card/read",
      operationId: "readCard",
      summary: "Read the resident card in the resident reader, by sections",
      description:
        "Checks that the card is genuine (internal authentication via the SAM + issuer certificate) and not " +
        "hotlisted (local copy, version and age in the answer), reads the sections and commits a card.read " +
        "event before answering. Sections identity/contacts/addresses/photo need read-basic; clinical/visits " +
        "need read-clinical.",
      tag: "card",
      auth: "read-basic",
      errors: [
        "NO_CARD",
        "NO_READER",
        "SAM_MISSING",
        "CARD_REMOVED",
        "CARD_BUSY",
        "CARD_MUTE",
        "PCSC_UNAVAILABLE",
        "VIRTUAL_READER_REFUSED",
        "HOTLISTED",
        "LIST_STALE",
        "CARD_NOT_GENUINE",
        "AUTH_FAILED",
        "STORE_FULL",
      ],
      body: z.object({
        sections: z.array(z.enum(CARD_SECTION_NAMES)).min(1).default(["identity"]),
        purpose: z.enum(["registration", "visit", "settlement", "other"]).default("registration"),
      }),
      response: cardReadResponse,
      handler: async ({ body, client }) => {
        const r = await ctx.cardRead.read([...new Set(body.sections)], body.purpose, client!.scopes, {
          kind: "operator",
          id: `client:${client!.clientId}`,
          name: client!.name.slice(0, 60),
        });
        const check = (c: { status: "passed" | "failed" | "skipped" | "error"; reasons: readonly string[] }) => ({
          status: c.status,
          reasons: [...c.reasons],
        });
        const { internalAuthentication, issuerCertificate } = r.authenticity.checks;
        return {
          ...r,
          authenticity: {
            genuine: r.authenticity.genuine,
            checks: {
              internalAuthentication: check(internalAuthentication),
              issuerCertificate: check(issuerCertificate),
            },
          },
        };
      },
    }),
  ];
}
