import { isRhcError, RhcError } from "@rhc/errors";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/** Fastify's own client errors (bad JSON, wrong content type, body too large) are the caller's fault. */
function fromFastify(error: FastifyError): RhcError | undefined {
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new RhcError(status === 429 ? "RATE_LIMITED" : "INVALID_INPUT", {
      detail: error.message,
      data: { fastifyCode: error.code },
    });
  }
  return undefined;
}

export function asRhcError(error: unknown): RhcError {
  if (isRhcError(error)) return error;
  const fastify =
    typeof error === "object" && error !== null && "code" in error ? fromFastify(error as FastifyError) : undefined;
  return fastify ?? new RhcError("INTERNAL", { detail: "unexpected error", cause: error });
}

/** Sends an error as RFC 9457 problem+json with the product's stable code and operator text. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const e = asRhcError(error);
  const problem = { ...e.toProblem(), instance: request.url.split("?")[0] };
  if (e.httpStatus >= 500 && e.code === "INTERNAL") request.log.error({ err: error }, "request failed");
  else request.log.info({ code: e.code, status: e.httpStatus }, "request refused");
  const retryAfter = e.data?.retryAfterSeconds;
  if (typeof retryAfter === "number") reply.header("retry-after", String(retryAfter));
  return reply.code(e.httpStatus).type("application/problem+json; charset=utf-8").send(problem);
}
