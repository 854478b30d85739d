import { RhcError } from "@rhc/errors";

const HEX = /^[0-9a-fA-F]*$/;

/** Uppercase hex without separators, the form used in logs, traces and the spec tables. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").toUpperCase();
}

/** Parses hex; spaces, colons and newlines are allowed between digits ("00 A4 04 00"). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, "");
  if (clean.length % 2 !== 0 || !HEX.test(clean)) {
    throw new RhcError("INVALID_INPUT", { detail: `not a hex string: ${JSON.stringify(text.slice(0, 40))}` });
  }
  return new Uint8Array(Buffer.from(clean, "hex"));
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
