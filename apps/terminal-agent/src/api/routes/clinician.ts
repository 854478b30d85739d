import { z } from "zod";
import { Secret } from "../../log/secret.js";
import type { ClinicianSession } from "../../services/clinician-sessions.js";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";

export const CLINICIAN_HEADER = "x-clinician-session";

const sessionSchema = z.object({
  sessionId: z.string(),
  staffId: z.string(),
  subject: z.string(),
  certSerial: z.string(),
  startedAt: z.string(),
  expiresAt: z.string(),
  revocationChecked: z.boolean().describe("false: admitted under a fail-open policy without a usable CRL"),
});

export const sessionView = (s: ClinicianSession): z.infer<typeof sessionSchema> => ({
  sessionId: s.sessionId,
  staffId: s.clinician.staffId,
  subject: s.clinician.subject,
  certSerial: s.clinician.certSerial,
  startedAt: s.startedAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  revocationChecked: s.revocationChecked,
});

const header = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h);

/** Clinician login/logout with the CA staff card in the staff reader. */
export function clinicianRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "POST",
      path: "/v1/clinician/login",
      operationId: "clinicianLogin",
      summary: "Log a clinician in with the staff card: chain + CRL + PIN + challenge signature",
      description:
        "Returns a clinician session token to send as `X-Clinician-Session` on writes. Failures explain " +
        "themselves: CERT_EXPIRED / CERT_REVOKED / CERT_CHAIN_INVALID / REVOCATION_UNKNOWN carry data.reasons " +
        "(every failed check and certificate); PIN_INVALID carries data.triesLeft; PIN_BLOCKED when none are left.",
      tag: "clinician",
      auth: "write",
      errors: [
        "NO_CARD",
        "NO_READER",
        "WRONG_CARD_TYPE",
        "CERT_EXPIRED",
        "CERT_REVOKED",
        "CERT_CHAIN_INVALID",
        "CERT_INVALID",
        "REVOCATION_UNKNOWN",
        "PIN_INVALID",
        "PIN_BLOCKED",
        "AUTH_FAILED",
        "CARD_BUSY",
      ],
      body: z.object({
        pin: z
          .string()
          .regex(/^\d{4,8}$/, "4 to 8 digits")
          .transform((p) => new Secret(p))
          .describe("the staff card PIN (never logged or stored)"),
      }),
      response: z.object({
        token: z.string().describe("send as X-Clinician-Session; shown once"),
        session: sessionSchema,
        warnings: z.array(z.object({ code: z.string(), message: z.string() })),
      }),
      async handler({ body, client }) {
        const r = await ctx.clinician.login(client!.clientId, body.pin);
        return {
          token: r.token.reveal(),
          session: sessionView(r.session),
          warnings: r.verdict.warnings.map((w) => ({ code: w.code, message: w.message })),
        };
      },
    }),
    route({
      method: "POST",
      path: "/v1/clinician/logout",
      operationId: "clinicianLogout",
      summary: "End the clinician session given in X-Clinician-Session",
      tag: "clinician",
      auth: "write",
      errors: ["CLINICIAN_REQUIRED"],
      response: sessionSchema,
      handler: ({ client, request }) =>
        sessionView(ctx.clinician.logout(client!.clientId, header(request.headers[CLINICIAN_HEADER]))),
    }),
    route({
      method: "GET",
      path: "/v1/clinician/session",
      operationId: "clinicianSession",
      summary: "Who is logged in at this desk (no token)",
      tag: "clinician",
      auth: "read-basic",
      response: z.object({ session: sessionSchema.nullable() }),
      handler: () => {
        const s = ctx.clinician.sessions.current();
        return { session: s ? sessionView(s) : null };
      },
    }),
  ];
}
