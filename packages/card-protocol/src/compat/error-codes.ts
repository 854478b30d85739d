import type { ErrorCode, RhcError } from "@rhc/errors";

/** C1 `IRV_*` codes returned by the iR_/iW_ functions (spec §8.5). */
export const IRV = {
  OK: 0,
  PARAMETER: 101,
  FILE_NOT_FOUND: 102,
  READ_RECORD: 103,
  CARD_RESPONSE: 104,
  SAM_RESPONSE: 105,
  AUTHENTICATION: 106,
  READ_BINARY: 107,
  WRITE_RECORD: 108,
  WRITE_BINARY: 109,
  WRITE_INDEX: 110,
  ERASE_INDEX: 111,
  RECORD_NOT_USABLE: 112,
  PHOTO: 113,
  INTERNAL: 1024,
} as const;

/** C5 `WS_ERR_*` codes returned by the device and algorithm functions (spec §8.5). */
export const WS_ERR = {
  OK: 0,
  PHOTO_TOO_LARGE: -2,
  EMPTY_DATA: -3,
  PIN_FAILED: -7,
  UNSUPPORTED: -11,
  NOT_INITIALISED: -14,
  INVALID_FORMAT: -15,
  UNKNOWN: -16,
  INVALID_LENGTH: -17,
  NO_CARD: -20,
  CARD_NOT_RESPONDING: -21,
  SAM_NOT_RESPONDING: -22,
  SAM_RESET: -23,
  INVALID_PORT: -30,
  DEVICE_CONNECTION: -33,
  INVALID_SLOT: -34,
  INVALID_APDU_LENGTH: -35,
  WRONG_CARD_TYPE: -37,
  CARD_SW: -99,
  OTHER: -999,
} as const;

/** What an iR_/iW_ call was doing, which picks the C1 code of a card failure. */
export type CompatStep =
  | "read-record"
  | "read-binary"
  | "write-record"
  | "write-binary"
  | "write-index"
  | "erase-index"
  | "sam";

const STEP_CODE: Readonly<Record<CompatStep, number>> = {
  "read-record": IRV.READ_RECORD,
  "read-binary": IRV.READ_BINARY,
  "write-record": IRV.WRITE_RECORD,
  "write-binary": IRV.WRITE_BINARY,
  "write-index": IRV.WRITE_INDEX,
  "erase-index": IRV.ERASE_INDEX,
  sam: IRV.SAM_RESPONSE,
};

/** Error codes that mean the same whatever the step (data over code). */
const IRV_BY_CODE: Partial<Readonly<Record<ErrorCode, number>>> = {
  FIELD_INVALID: IRV.PARAMETER,
  INVALID_INPUT: IRV.PARAMETER,
  FILE_NOT_FOUND: IRV.FILE_NOT_FOUND,
  AUTH_FAILED: IRV.AUTHENTICATION,
  AUTH_BLOCKED: IRV.AUTHENTICATION,
  SAM_MISSING: IRV.SAM_RESPONSE,
  SAM_PIN_REQUIRED: IRV.SAM_RESPONSE,
  PIN_INVALID: IRV.SAM_RESPONSE,
  PIN_BLOCKED: IRV.SAM_RESPONSE,
  INTERNAL: IRV.INTERNAL,
};

const CARD_LEVEL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "NO_CARD",
  "CARD_REMOVED",
  "CARD_MUTE",
  "CARD_RESET",
  "TRANSMIT_FAILED",
  "MALFORMED_RESPONSE",
  "PCSC_UNAVAILABLE",
  "NO_READER",
  "SHARING_VIOLATION",
  "CARD_BUSY",
  "TIMEOUT",
]);

/** The C1 code of a failed iR_/iW_ call. */
export function irvCode(error: RhcError, step: CompatStep): number {
  const fixed = IRV_BY_CODE[error.code];
  if (fixed !== undefined) return fixed;
  if (CARD_LEVEL.has(error.code)) return IRV.CARD_RESPONSE;
  if (error.code === "CARD_DATA_INVALID" && error.data?.field === "photo") return IRV.PHOTO;
  if (error.code === "RECORD_NOT_FOUND" && error.data?.indexFlag === "FF") return IRV.RECORD_NOT_USABLE;
  if (error.sw !== undefined || error.code === "CARD_DATA_INVALID" || error.code === "RECORD_NOT_FOUND") {
    return STEP_CODE[step];
  }
  return IRV.INTERNAL;
}

const WS_BY_CODE: Partial<Readonly<Record<ErrorCode, number>>> = {
  NO_CARD: WS_ERR.NO_CARD,
  CARD_REMOVED: WS_ERR.NO_CARD,
  CARD_MUTE: WS_ERR.CARD_NOT_RESPONDING,
  TRANSMIT_FAILED: WS_ERR.CARD_NOT_RESPONDING,
  NO_READER: WS_ERR.DEVICE_CONNECTION,
  READER_UNAVAILABLE: WS_ERR.DEVICE_CONNECTION,
  PCSC_UNAVAILABLE: WS_ERR.DEVICE_CONNECTION,
  SHARING_VIOLATION: WS_ERR.DEVICE_CONNECTION,
  CARD_BUSY: WS_ERR.DEVICE_CONNECTION,
  PIN_INVALID: WS_ERR.PIN_FAILED,
  PIN_BLOCKED: WS_ERR.PIN_FAILED,
  SAM_PIN_REQUIRED: WS_ERR.PIN_FAILED,
  INVALID_INPUT: WS_ERR.INVALID_FORMAT,
  FIELD_INVALID: WS_ERR.INVALID_FORMAT,
  MALFORMED_COMMAND: WS_ERR.INVALID_APDU_LENGTH,
  WRONG_CARD_TYPE: WS_ERR.WRONG_CARD_TYPE,
};

/** The C5 code of a failed device or algorithm call; `sam` marks failures of the SAM slot. */
export function wsCode(error: RhcError, sam = false): number {
  if (sam && (error.code === "CARD_MUTE" || error.code === "TRANSMIT_FAILED" || error.code === "NO_CARD")) {
    return WS_ERR.SAM_NOT_RESPONDING;
  }
  return WS_BY_CODE[error.code] ?? (error.sw !== undefined ? WS_ERR.CARD_SW : WS_ERR.OTHER);
}
