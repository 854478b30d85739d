import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { Secret } from "../log/secret.js";

/**
 * Client tokens look like `rhc1_<clientId>_<secret>`: the client id finds the stored record and the
 * 256-bit secret is compared by hash, so the store never holds a usable token. The secrets are
 * random, not passwords, so one hash round is enough (no slow KDF needed).
 */
const TOKEN = /^rhc1_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function newClientId(): string {
  return randomBytes(9)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 12);
}

export function issueToken(clientId: string): { token: Secret; hash: string } {
  const secret = randomBytes(32).toString("base64url");
  return { token: new Secret(`rhc1_${clientId}_${secret}`), hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function parseToken(token: string): { clientId: string; secret: Secret } | undefined {
  const m = TOKEN.exec(token);
  return m ? { clientId: m[1]!, secret: new Secret(m[2]!) } : undefined;
}

export function secretMatches(secret: Secret, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret.reveal()), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Unguessable identifiers for pairing requests and WebSocket tickets. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}
