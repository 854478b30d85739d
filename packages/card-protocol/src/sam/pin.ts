import { RhcError } from "@rhc/errors";
import { swError, triesLeft } from "../apdu/status-words.js";

/**
 * A PIN as packed BCD (spec §4.7: `123456` → `12 34 56`). An odd number of digits is padded with
 * F, as PBOC-style COSes do.
 */
export function encodePinBcd(pin: string): Uint8Array {
  if (!/^\d{4,12}$/.test(pin)) {
    throw new RhcError("INVALID_INPUT", { detail: "a PIN has 4 to 12 digits" });
  }
  const digits = pin.length % 2 === 0 ? pin : `${pin}F`;
  return new Uint8Array(Buffer.from(digits, "hex"));
}

/**
 * The typed error of a refused PIN operation: 63Cx → PIN_INVALID with tries left (x = 0 →
 * PIN_BLOCKED), 6983 → PIN_BLOCKED; other status words keep their meaning. With `crypto` set
 * the caller was a key operation, where 63Cx does not occur and 6983 means a blocked key.
 */
export function pinError(sw: number, context: string, crypto = false): RhcError {
  const left = triesLeft(sw);
  if (!crypto && left !== undefined) {
    return left === 0
      ? new RhcError("PIN_BLOCKED", { sw, detail: context, data: { triesLeft: 0 } })
      : new RhcError("PIN_INVALID", { sw, detail: `${context}: ${left} tries left`, data: { triesLeft: left } });
  }
  if (!crypto && sw === 0x6983) return new RhcError("PIN_BLOCKED", { sw, detail: context, data: { triesLeft: 0 } });
  return swError(sw, context);
}
