import { RhcError } from "@rhc/errors";
import { assertBytes } from "../guards.js";

/** PEM ⇄ DER. Anything that is neither clean PEM nor DER is CRYPTO_DECODE. */

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeError(detail: string): RhcError {
  return new RhcError("CRYPTO_DECODE", { detail });
}

/** All PEM blocks in a text, in order. Text outside blocks (openssl's "subject=" lines) is ignored. */
export function splitPem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = match[2]!.replace(/\s+/g, "");
    if (!BASE64.test(body) || body.length % 4 !== 0 || body.length === 0) {
      throw decodeError(`PEM ${match[1]} block is not valid base64`);
    }
    blocks.push({ label: match[1]!, der: new Uint8Array(Buffer.from(body, "base64")) });
  }
  if (blocks.length === 0 && text.includes("-----BEGIN")) throw decodeError("unterminated PEM block");
  return blocks;
}

export function derToPem(der: Uint8Array, label: string): string {
  assertBytes(der, "DER");
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Starts with "-----BEGIN" after optional whitespace/text: treat as PEM, else as DER. */
function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, Math.min(bytes.length, 4096)))
    .toString("latin1")
    .includes("-----BEGIN ");
}

/**
 * The DER objects in a file's content: every block with one of `labels` if it is PEM, else the
 * whole content as one DER object. Text input is always PEM.
 */
export function readDerObjects(input: Uint8Array | string, labels: readonly string[]): Uint8Array[] {
  if (typeof input !== "string") assertBytes(input, "input");
  if (typeof input === "string" || looksLikePem(input)) {
    const text = typeof input === "string" ? input : Buffer.from(input).toString("latin1");
    const found = splitPem(text).filter((b) => labels.includes(b.label));
    if (found.length === 0) throw decodeError(`no PEM block labelled ${labels.join(" or ")}`);
    return found.map((b) => b.der);
  }
  if (input.length === 0) throw decodeError("empty input");
  return [input];
}
