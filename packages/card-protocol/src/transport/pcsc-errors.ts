import { type ErrorCode, RhcError } from "@rhc/errors";

/**
 * The smartcard binding rejects with plain Errors whose message is pcsc-lite's error text (see its
 * pcsc_errors.h), so the mapping to our codes is a table of those texts.
 */
const PCSC_MESSAGE_CODES: Readonly<Record<string, ErrorCode>> = {
  "PC/SC service not running": "PCSC_UNAVAILABLE",
  "PC/SC service stopped": "PCSC_UNAVAILABLE",
  "Context is not valid": "PCSC_UNAVAILABLE",
  "Invalid handle": "PCSC_UNAVAILABLE",
  "No readers available": "NO_READER",
  "Unknown reader": "NO_READER",
  "Reader unavailable": "READER_UNAVAILABLE",
  "Reader not ready": "READER_UNAVAILABLE",
  "No smart card present": "NO_CARD",
  "Card was removed": "CARD_REMOVED",
  "Card is unpowered": "CARD_REMOVED",
  "Card is not connected": "CARD_REMOVED",
  "Card is unresponsive": "CARD_MUTE",
  "Card is not supported": "CARD_MUTE",
  "Sharing violation": "SHARING_VIOLATION",
  "Card was reset": "CARD_RESET",
  "Operation timed out": "TIMEOUT",
  "Transaction failed": "TRANSMIT_FAILED",
  "Communication error": "TRANSMIT_FAILED",
  "Protocol mismatch": "PROTOCOL_MISMATCH",
  "Insufficient buffer": "MALFORMED_RESPONSE",
};

export function pcscErrorCode(error: unknown): ErrorCode {
  const message = error instanceof Error ? error.message : String(error);
  return PCSC_MESSAGE_CODES[message] ?? "PCSC_ERROR";
}

/** Wraps a binding error; `where` names the operation and reader for the operator and the logs. */
export function pcscError(error: unknown, where: string, code: ErrorCode = pcscErrorCode(error)): RhcError {
  const message = error instanceof Error ? error.message : String(error);
  return new RhcError(code, { detail: `${where}: ${message}`, cause: error });
}
