import { type ErrorCode, isRhcError } from "@rhc/errors";
import { hexBytes, readVectorJson } from "@rhc/test-vectors";
import { expect } from "vitest";
import { z } from "zod";
import { getSmProvider, type SmProvider } from "../src/index.js";

/** Both providers, so every algorithm test runs against native and js in the same run. */
export const PROVIDERS: readonly SmProvider[] = [getSmProvider("native"), getSmProvider("js")];

export const hex = z.string().regex(/^(?:[0-9A-Fa-f]{2})*$/);
export const bytes = (value: string) => hexBytes(value);
export const ascii = (value: string) => new TextEncoder().encode(value);

export function vectors<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  return readVectorJson(path, (value) => schema.parse(value));
}

/** Asserts that `fn` throws an RhcError with `code` (never a raw library exception). */
export function expectCode(fn: () => unknown, code: ErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toBeDefined();
  expect(isRhcError(thrown), `expected RhcError ${code}, got ${String(thrown)}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
