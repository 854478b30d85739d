import { type ErrorCode, RhcError, toRhcError } from "@rhc/errors";

/** Input checks shared by both providers, so bad input fails the same way whichever runs. */

export function invalidKey(detail: string): RhcError {
  return new RhcError("CRYPTO_INVALID_KEY", { detail });
}

export function invalidInput(detail: string): RhcError {
  return new RhcError("CRYPTO_INVALID_INPUT", { detail });
}

export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalidInput(`${what} must be a Uint8Array`);
}

export function assertKey(key: unknown, lengths: readonly number[], what = "key"): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw invalidKey(`${what} must be a Uint8Array`);
  if (!lengths.includes(key.length)) {
    throw invalidKey(`${what} must be ${lengths.join(" or ")} bytes, got ${key.length}`);
  }
}

export function assertLength(value: unknown, length: number, what: string): asserts value is Uint8Array {
  assertBytes(value, what);
  if (value.length !== length) throw invalidInput(`${what} must be ${length} bytes, got ${value.length}`);
}

export function assertBlockMultiple(data: Uint8Array, blockSize: number, what = "data"): void {
  if (data.length % blockSize !== 0) {
    throw invalidInput(`${what} length ${data.length} is not a multiple of the ${blockSize}-byte block`);
  }
}

/**
 * Runs a library call and turns anything it throws into an RhcError with `code`: no raw library
 * exception leaves this package. With `secret` (a private or symmetric key was involved) the
 * library's message and cause are dropped, because some libraries echo their inputs.
 */
export function guard<T>(code: ErrorCode, detail: string, fn: () => T, secret = false): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RhcError) throw error;
    if (secret) throw new RhcError(code, { detail });
    throw toRhcError(error, code, `${detail}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
