import { APP_ERRORS } from "./app.js";
import { CARD_ERRORS } from "./card.js";
import { CRYPTO_ERRORS } from "./crypto.js";
import { PLATFORM_ERRORS } from "./platform.js";
import type { ErrorSpec } from "./types.js";

export type { ErrorSpec } from "./types.js";

/** Every stable error code of the product. Codes are API: never rename one, only add. */
export const ERROR_CODES = {
  ...CARD_ERRORS,
  ...CRYPTO_ERRORS,
  ...PLATFORM_ERRORS,
  ...APP_ERRORS,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function errorSpec(code: ErrorCode): ErrorSpec {
  return ERROR_CODES[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}
