import { RhcError } from "@rhc/errors";
import { assertBlockMultiple, assertBytes, assertLength, invalidInput } from "./guards.js";
import { padIso9797M2, unpadIso9797M2 } from "./padding.js";
import type { BlockCipherOptions, Sm4Mode } from "./provider/types.js";

/** Option checks and padding shared by SM4 and DES, so both reject bad input the same way. */

export interface CheckedCipherOptions {
  mode: Sm4Mode;
  iv: Uint8Array | undefined;
  padded: boolean;
}

export function checkCipherOptions(options: BlockCipherOptions, blockSize: number, name: string): CheckedCipherOptions {
  if (typeof options !== "object" || options === null) throw invalidInput(`${name} options required`);
  const { mode, iv, padding = "none" } = options;
  if (mode !== "ecb" && mode !== "cbc")
    throw new RhcError("CRYPTO_UNSUPPORTED", { detail: `${name} mode ${String(mode)}` });
  if (padding !== "none" && padding !== "iso9797-m2") {
    throw new RhcError("CRYPTO_UNSUPPORTED", { detail: `${name} padding ${String(padding)}` });
  }
  if (mode === "cbc") {
    if (iv === undefined) throw invalidInput(`${name}-CBC needs a ${blockSize}-byte IV`);
    assertLength(iv, blockSize, `${name} IV`);
  } else if (iv !== undefined) {
    throw invalidInput(`${name}-ECB takes no IV`);
  }
  return { mode, iv: mode === "cbc" ? iv : undefined, padded: padding === "iso9797-m2" };
}

/** Encrypt pads (method 2) before, decrypt checks and strips after; `raw` sees aligned data only. */
export function withPadding(
  encrypt: boolean,
  data: Uint8Array,
  options: CheckedCipherOptions,
  blockSize: number,
  raw: (aligned: Uint8Array) => Uint8Array,
): Uint8Array {
  assertBytes(data, "data");
  const input = encrypt && options.padded ? padIso9797M2(data, blockSize) : data;
  assertBlockMultiple(input, blockSize);
  const out = raw(input);
  return !encrypt && options.padded ? unpadIso9797M2(out, blockSize) : out;
}
