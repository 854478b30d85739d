import crypto from "node:crypto";
import { RhcError } from "@rhc/errors";
import { concatBytes, plain } from "../bytes.js";
import { assertBlockMultiple, assertBytes, assertKey, assertLength, guard, invalidInput } from "../guards.js";
import { padIso9797M2, unpadIso9797M2 } from "../padding.js";
import type { BlockCipherOptions } from "../provider/types.js";

/**
 * DES / 3DES for DES-era cards and staff cards, on node:crypto. Single DES is run as 2-key EDE with
 * K ‖ K, because OpenSSL 3 moved plain DES to its legacy provider (ERR_OSSL_EVP_UNSUPPORTED on
 * Node 20); the EDE ciphers also exist in Electron's BoringSSL, so no JS fallback is needed.
 */

export const DES_BLOCK = 8;

export type TdesOptions = BlockCipherOptions;

/** 8-byte keys are single DES, 16 bytes 2-key 3DES (K1 K2 K1), 24 bytes 3-key 3DES. */
function cipherFor(key: Uint8Array, mode: "ecb" | "cbc"): { name: string; key: Uint8Array } {
  assertKey(key, [8, 16, 24], "DES key");
  if (mode !== "ecb" && mode !== "cbc")
    throw new RhcError("CRYPTO_UNSUPPORTED", { detail: `DES mode ${String(mode)}` });
  const full = key.length === 8 ? concatBytes(key, key) : key;
  const base = full.length === 16 ? "des-ede" : "des-ede3";
  return { name: mode === "ecb" ? `${base}-ecb` : `${base}-cbc`, key: full };
}

function run(encrypt: boolean, key: Uint8Array, data: Uint8Array, options: TdesOptions): Uint8Array {
  assertBytes(data, "data");
  if (typeof options !== "object" || options === null) throw invalidInput("DES options required");
  const { mode, iv, padding = "none" } = options;
  const cipher = cipherFor(key, mode);
  if (padding !== "none" && padding !== "iso9797-m2") {
    throw new RhcError("CRYPTO_UNSUPPORTED", { detail: `DES padding ${String(padding)}` });
  }
  if (mode === "cbc") {
    if (iv === undefined) throw invalidInput("DES-CBC needs an 8-byte IV");
    assertLength(iv, DES_BLOCK, "DES IV");
  } else if (iv !== undefined) {
    throw invalidInput("DES-ECB takes no IV");
  }
  const input = encrypt && padding === "iso9797-m2" ? padIso9797M2(data, DES_BLOCK) : data;
  assertBlockMultiple(input, DES_BLOCK);
  const out = guard(
    "CRYPTO_INVALID_INPUT",
    "DES",
    () => {
      const c = encrypt
        ? crypto.createCipheriv(cipher.name, cipher.key, iv ?? null)
        : crypto.createDecipheriv(cipher.name, cipher.key, iv ?? null);
      c.setAutoPadding(false);
      return plain(Buffer.concat([c.update(input), c.final()]));
    },
    true,
  );
  return !encrypt && padding === "iso9797-m2" ? unpadIso9797M2(out, DES_BLOCK) : out;
}

export function tdesEncrypt(key: Uint8Array, data: Uint8Array, options: TdesOptions): Uint8Array {
  return run(true, key, data, options);
}

export function tdesDecrypt(key: Uint8Array, data: Uint8Array, options: TdesOptions): Uint8Array {
  return run(false, key, data, options);
}
