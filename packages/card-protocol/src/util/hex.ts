import { RhcError } from "@rhc/errors";

// The byte helpers live in @rhc/crypto; card-protocol's own fromHex also accepts the colon
// separators of APDU logs ("00:A4:04:00") and reports bad input as INVALID_INPUT (not a crypto error).
export { bytesEqual, concatBytes, toHex } from "@rhc/crypto";

const HEX = /^[0-9a-fA-F]*$/;

/** Parses hex; spaces, colons and newlines are allowed between digits ("00 A4 04 00"). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, "");
  if (clean.length % 2 !== 0 || !HEX.test(clean)) {
    throw new RhcError("INVALID_INPUT", { detail: `not a hex string: ${JSON.stringify(text.slice(0, 40))}` });
  }
  return new Uint8Array(Buffer.from(clean, "hex"));
}
