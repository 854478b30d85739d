/**
 * Status words the simulated cards answer (spec reference §5.4: the ISO 7816-4 / PBOC set Chinese
 * COSes use). Handlers throw `CardError(sw)` to refuse a command; the engine then rolls back every
 * persistent change the command made, so a refused command leaves the card as it was.
 */
export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  INCOMPATIBLE_FILE: 0x6981,
  SECURITY_STATUS: 0x6982,
  AUTH_BLOCKED: 0x6983,
  REFERENCE_INVALIDATED: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  SM_MISSING: 0x6987,
  SM_INCORRECT: 0x6988,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  WRONG_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  WRONG_PARAMETERS: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
  PERMANENTLY_BLOCKED: 0x9303,
} as const;

/** 61xx: xx more bytes wait for GET RESPONSE (00 = 256). */
export const swMoreData = (available: number): number => 0x6100 | (available & 0xff);
/** 6Cxx: resend with Le = xx. */
export const swWrongLe = (exact: number): number => 0x6c00 | (exact & 0xff);
/** 63Cx: verification failed, x tries left. */
export const swTriesLeft = (tries: number): number => 0x63c0 | Math.min(tries, 0x0f);

/** A refusal: the command had no effect on the card's persistent state. */
export class CardError extends Error {
  constructor(readonly sw: number) {
    super(`card status ${sw.toString(16).toUpperCase().padStart(4, "0")}`);
    this.name = "CardError";
  }
}

export function refuse(sw: number): never {
  throw new CardError(sw);
}
