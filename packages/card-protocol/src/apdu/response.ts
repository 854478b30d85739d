import { RhcError } from "@rhc/errors";
import { toHex } from "../util/hex.js";

/** A response APDU: body and the two status bytes. */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw1: number;
  readonly sw2: number;
  /** SW1 << 8 | SW2 */
  readonly sw: number;
}

export const SW_OK = 0x9000;

export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new RhcError("MALFORMED_RESPONSE", {
      detail: `response of ${bytes.length} byte(s) has no status word${bytes.length ? `: ${toHex(bytes)}` : ""}`,
    });
  }
  const sw1 = bytes[bytes.length - 2]!;
  const sw2 = bytes[bytes.length - 1]!;
  // A view, not a copy: transports hand over a fresh buffer per response.
  return { data: bytes.subarray(0, bytes.length - 2), sw1, sw2, sw: (sw1 << 8) | sw2 };
}

export function encodeResponse(data: Uint8Array | readonly number[], sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}
