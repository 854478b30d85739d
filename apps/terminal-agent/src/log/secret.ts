import { inspect } from "node:util";

const REDACTED = "[REDACTED]";

/**
 * A PIN, key or token. Every way a value reaches a log line or a JSON body (`toString`, template
 * literals, `JSON.stringify`, `util.inspect`, pino) prints "[REDACTED]"; only `reveal()` gives the
 * value, and that call is the one place to review. Parse secrets into this type at the boundary.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

const SENSITIVE_WORDS = new Set([
  "pin",
  "pins",
  "puk",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "ticket",
  "authorization",
  "cookie",
  "credential",
  "credentials",
]);

/** Field names whose values are never logged: any camelCase/snake_case word above, or a name ending in "key". */
export function isSensitiveKey(name: string): boolean {
  const words = name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const last = words[words.length - 1];
  return words.some((w) => SENSITIVE_WORDS.has(w)) || last === "key" || last === "keys";
}

/**
 * Deep copy of a log object with secret-looking fields censored and raw bytes reduced to their
 * length (bytes in this product are APDUs, keys and cryptograms). Runs on every log line.
 */
export function censor(value: unknown, depth = 0): unknown {
  if (value instanceof Secret) return REDACTED;
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[…]";
  if (Array.isArray(value)) return value.map((v) => censor(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      isSensitiveKey(key) && v !== undefined && v !== null && typeof v !== "boolean" ? REDACTED : censor(v, depth + 1);
  }
  return out;
}

export { REDACTED };
