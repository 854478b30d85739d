import { describe, expect, it } from "vitest";
import { parseJson, retryAfterMs, statusError } from "./http.js";
import { eventBatchResponseSchema } from "./wire.js";

const raw = (
  status: number,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
) => ({
  status,
  headers: new Headers(headers),
  body: new TextEncoder().encode(body),
  requestId: undefined,
});

describe("HTTP answer handling", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "7" }))).toBe(7000);
    expect(retryAfterMs(new Headers({ "retry-after": new Date(10_000).toUTCString() }), 4000)).toBe(6000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
  });
  it("maps statuses to typed errors and keeps the platform's problem code", () => {
    expect(statusError(raw(429, "{}", { "retry-after": "3" }), "E1")).toMatchObject({
      code: "RATE_LIMITED",
      data: { retryAfterMs: 3000 },
    });
    expect(statusError(raw(503, ""), "E1").code).toBe("PLATFORM_ERROR");
    expect(statusError(raw(401, ""), "E1").code).toBe("PLATFORM_UNAUTHORIZED");
    expect(statusError(raw(422, '{"code":"EVENT_INVALID","detail":"bad"}'), "E1")).toMatchObject({
      code: "PLATFORM_REJECTED",
      data: { platformCode: "EVENT_INVALID" },
    });
  });
  it("refuses wrong content types, broken JSON and wrong shapes", () => {
    expect(() =>
      parseJson(raw(200, "<html>", { "content-type": "text/html" }), eventBatchResponseSchema, "E1"),
    ).toThrow(/content-type/);
    expect(() => parseJson(raw(200, "{"), eventBatchResponseSchema, "E1")).toThrow(/not valid JSON/);
    expect(() => parseJson(raw(200, '{"ackedThroughSeq":-1}'), eventBatchResponseSchema, "E1")).toThrow(
      /ackedThroughSeq/,
    );
  });
});
