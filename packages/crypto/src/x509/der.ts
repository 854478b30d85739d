/**
 * A minimal strict DER reader for extension values (a few bytes each). Decoding them directly is
 * much cheaper than a second asn1js pass, and gives exact OIDs (asn1js mangles arcs above 2^53).
 */

export interface Tlv {
  tag: number;
  content: Uint8Array;
  /** Offset just after this TLV in the buffer it was read from. */
  end: number;
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  enumerated: 0x0a,
  sequence: 0x30,
  contextPrimitive0: 0x80,
} as const;

export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  if (tag === undefined || length === undefined) throw new Error("truncated DER");
  let at = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[at++] ?? Number.NaN);
  }
  if (!Number.isFinite(length) || at + length > bytes.length) throw new Error("truncated DER");
  return { tag, content: bytes.subarray(at, at + length), end: at + length };
}

/** Reads one whole value of the expected tag (nothing may follow it). */
export function readOnly(bytes: Uint8Array, tag: number, what: string): Uint8Array {
  const tlv = readTlv(bytes);
  if (tlv.tag !== tag) throw new Error(`${what}: tag ${tlv.tag.toString(16)}, expected ${tag.toString(16)}`);
  if (tlv.end !== bytes.length) throw new Error(`${what}: trailing bytes`);
  return tlv.content;
}

export function children(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < content.length; ) {
    const tlv = readTlv(content, at);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

export function oidString(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let arc = 0n;
  for (const byte of content) {
    arc = (arc << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  const [first, ...rest] = arcs;
  if (first === undefined || (content.at(-1)! & 0x80) !== 0) throw new Error("malformed OBJECT IDENTIFIER");
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...rest].join(".");
}

export function unsignedInteger(content: Uint8Array): bigint {
  if (content.length === 0 || (content[0]! & 0x80) !== 0) throw new Error("INTEGER is empty or negative");
  let value = 0n;
  for (const byte of content) value = (value << 8n) | BigInt(byte);
  return value;
}
