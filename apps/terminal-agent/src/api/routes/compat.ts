import { z } from "zod";
import type { AgentContext } from "../context.js";
import { type ApiRoute, route } from "../route.js";
import { CLINICIAN_HEADER } from "./clinician.js";

/** The vendor-DLL function set at POST /v1/compat/{function}, for integrators porting DLL calls. */
export function compatRoutes(ctx: AgentContext): ApiRoute[] {
  return [
    route({
      method: "POST",
      path: "/v1/compat/{function}",
      operationId: "compatCall",
      summary: "Call a 居民健康卡应用接口 (iR_/iW_) function by its DLL name",
      description:
        'Arguments in DLL order as JSON (`{"hex":"…"}` for byte buffers); the answer is the DLL\'s integer ' +
        "`code` (0 = OK, C1 IRV_* or C5 WS_ERR_*) plus the output parameters named as in the DLL. Port 1 = this desk. " +
        "Scopes: device and iR_DDF1/DF01 functions read-basic; iR_DF02/DF03 and wsc_GetCardInfo read-clinical; " +
        "iW_/iErase_/wsc_PutCardInfo write + X-Clinician-Session. PowerOn of the user card runs the genuine-card " +
        "and hotlist checks. VerifyPin(h) takes no PIN: the agent supplies the configured SAM PIN. " +
        "Not offered: SendAPDU, SM2SignHash, iChange_Pin, iReload_Pin, LockPersonalInfo.",
      tag: "compat",
      auth: "client",
      errors: [
        "NOT_FOUND",
        "FORBIDDEN",
        "CLINICIAN_REQUIRED",
        "HOTLISTED",
        "CARD_NOT_GENUINE",
        "SAM_MISSING",
        "NO_READER",
      ],
      params: z.object({ function: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{1,40}$/) }),
      body: z.object({ args: z.array(z.unknown()).max(16).default([]) }),
      response: z.record(z.string(), z.unknown()).describe("{ code, …outputs }"),
      handler: async ({ params, body, client, request }) => {
        const h = request.headers[CLINICIAN_HEADER];
        return (await ctx.compat.call(client!, params.function, body.args, Array.isArray(h) ? h[0] : h)) as Record<
          string,
          unknown
        >;
      },
    }),
  ];
}
