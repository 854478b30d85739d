import crypto from "node:crypto";
import { checkCipherOptions, withPadding } from "../block-cipher.js";
import { concatBytes, plain } from "../bytes.js";
import { assertKey, guard } from "../guards.js";
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
  const full = key.length === 8 ? concatBytes(key, key) : key;
  const base = full.length === 16 ? "des-ede" : "des-ede3";
  return { name: mode === "ecb" ? `${base}-ecb` : `${base}-cbc`, key: full };
}

function run(encrypt: boolean, key: Uint8Array, data: Uint8Array, options: TdesOptions): Uint8Array {
  const checked = checkCipherOptions(options, DES_BLOCK, "DES");
  const cipher = cipherFor(key, checked.mode);
  return withPadding(encrypt, data, checked, DES_BLOCK, (aligned) =>
    guard(
      "CRYPTO_INVALID_INPUT",
      "DES",
      () => {
        const c = encrypt
          ? crypto.createCipheriv(cipher.name, cipher.key, checked.iv ?? null)
          : crypto.createDecipheriv(cipher.name, cipher.key, checked.iv ?? null);
        c.setAutoPadding(false);
        return plain(Buffer.concat([c.update(aligned), c.final()]));
      },
      true,
    ),
  );
}

export function tdesEncrypt(key: Uint8Array, data: Uint8Array, options: TdesOptions): Uint8Array {
  return run(true, key, data, options);
}

export function tdesDecrypt(key: Uint8Array, data: Uint8Array, options: TdesOptions): Uint8Array {
  return run(false, key, data, options);
}
