import { concatBytes, xorBytes } from "../bytes.js";
import { assertBytes, assertKey, assertLength, invalidInput } from "../guards.js";
import { padIso9797M2 } from "../padding.js";
import { getSmProvider } from "../provider/registry.js";
import type { SmProvider } from "../provider/types.js";

/**
 * The health card's symmetric key scheme: diversification, session keys, cryptograms and secure
 * messaging. The SAM-internal algorithms are not public (health-card-spec §4.3–4.5, [P]), so the
 * whole scheme is one swappable strategy; a real SAM vendor's variant would be another
 * implementation of this interface.
 */
export interface CardKeyScheme {
  readonly id: string;
  /** One diversification level: a 16-byte key and an 8-byte factor → the 16-byte child key. */
  diversify(key: Uint8Array, factor: Uint8Array): Uint8Array;
  /** Applies `diversify` for each factor in order (cardF, then cityF for 2-level keys). */
  deriveCardKey(master: Uint8Array, factors: readonly Uint8Array[]): Uint8Array;
  /** Session (process) key from the card key and the card's 8-byte challenge. */
  sessionKey(cardKey: Uint8Array, challenge: Uint8Array): Uint8Array;
  /** 16-byte block → 8 bytes (left half XOR right half). */
  fold(block: Uint8Array): Uint8Array;
  /** EXTERNAL AUTHENTICATE cryptogram for the terminal's 8-byte P. */
  authCryptogram(sessionKey: Uint8Array, p: Uint8Array): Uint8Array;
  /** INTERNAL AUTHENTICATE answer (16 bytes) for an 8-byte challenge. */
  internalAuth(key: Uint8Array, challenge: Uint8Array): Uint8Array;
  /** Secure-messaging MAC (4 bytes) over data (the command header, Lc' and payload). */
  mac(sessionKey: Uint8Array, data: Uint8Array): Uint8Array;
  /** Secure-messaging encryption of a field: Lp ‖ data ‖ 80 00…, padded to 16, encrypted. */
  encryptForSm(sessionKey: Uint8Array, data: Uint8Array): Uint8Array;
  /** Inverse of encryptForSm; bad length, Lp or padding is CRYPTO_INVALID_INPUT. */
  decryptFromSm(sessionKey: Uint8Array, cipher: Uint8Array): Uint8Array;
}

const BLOCK = 16;
const ZERO8 = new Uint8Array(8);
const ZERO_IV = new Uint8Array(BLOCK);

/**
 * The project's WS/T 543 scheme [P] (health-card-spec §4.3–4.5, vectors in §11):
 * - Div(K, D) = SM4_K(D ‖ ~D) (the JR/T 0025 SM4 convention);
 * - SK = SM4_Kcard(R ‖ 00×8);
 * - cryptogram = fold(SM4_SK(P ‖ 00×8)); internal auth = SM4_K(R ‖ 00×8);
 * - MAC = leftmost 4 bytes of the last block of SM4-CBC, IV 0, over pad80(data);
 * - SM encryption = SM4-ECB(Lp ‖ data ‖ 80 00…).
 * Pass a provider to pin one; without it each call uses the current default provider.
 */
export function createWst543KeyScheme(provider?: SmProvider): CardKeyScheme {
  const sm4 = () => (provider ?? getSmProvider()).sm4;
  const ecb = (key: Uint8Array, block: Uint8Array) => sm4().encrypt(key, block, { mode: "ecb" });
  const eightByteBlock = (key: Uint8Array, half: Uint8Array, what: string) => {
    assertKey(key, [BLOCK]);
    assertLength(half, 8, what);
    return ecb(key, concatBytes(half, ZERO8));
  };
  const fold = (block: Uint8Array) => {
    assertLength(block, BLOCK, "block");
    return xorBytes(block.subarray(0, 8), block.subarray(8));
  };
  const diversify = (key: Uint8Array, factor: Uint8Array) => {
    assertKey(key, [BLOCK]);
    assertLength(factor, 8, "diversification factor");
    return ecb(
      key,
      concatBytes(
        factor,
        factor.map((b) => ~b & 0xff),
      ),
    );
  };

  return Object.freeze({
    id: "wst543-sm4",
    diversify,
    deriveCardKey(master: Uint8Array, factors: readonly Uint8Array[]) {
      assertKey(master, [BLOCK], "master key");
      if (!Array.isArray(factors) || factors.length === 0) throw invalidInput("at least one diversification factor");
      return factors.reduce<Uint8Array>((key, factor) => diversify(key, factor), master);
    },
    sessionKey: (cardKey: Uint8Array, challenge: Uint8Array) => eightByteBlock(cardKey, challenge, "challenge"),
    fold,
    authCryptogram: (sessionKey: Uint8Array, p: Uint8Array) => fold(eightByteBlock(sessionKey, p, "P")),
    internalAuth: (key: Uint8Array, challenge: Uint8Array) => eightByteBlock(key, challenge, "challenge"),
    mac(sessionKey: Uint8Array, data: Uint8Array) {
      assertKey(sessionKey, [BLOCK], "session key");
      const cipher = sm4().encrypt(sessionKey, padIso9797M2(data, BLOCK), { mode: "cbc", iv: ZERO_IV });
      return cipher.slice(cipher.length - BLOCK, cipher.length - BLOCK + 4);
    },
    encryptForSm(sessionKey: Uint8Array, data: Uint8Array) {
      assertKey(sessionKey, [BLOCK], "session key");
      assertBytes(data, "data");
      if (data.length > 0xff) throw invalidInput(`SM data is ${data.length} bytes; Lp holds at most 255`);
      return sm4().encrypt(sessionKey, concatBytes(new Uint8Array([data.length]), data), {
        mode: "ecb",
        padding: "iso9797-m2",
      });
    },
    decryptFromSm(sessionKey: Uint8Array, cipher: Uint8Array) {
      assertKey(sessionKey, [BLOCK], "session key");
      assertBytes(cipher, "ciphertext");
      if (cipher.length === 0) throw invalidInput("SM ciphertext is empty");
      const plain = sm4().decrypt(sessionKey, cipher, { mode: "ecb" });
      const lp = plain[0]!;
      // Exactly the block count encryptForSm produces, then 80 and zeros after the data.
      if (Math.ceil((lp + 2) / BLOCK) * BLOCK !== plain.length) throw invalidInput("SM Lp does not match the length");
      if (plain[1 + lp] !== 0x80 || plain.subarray(2 + lp).some((b) => b !== 0)) {
        throw invalidInput("SM padding is not 80 00…");
      }
      return plain.slice(1, 1 + lp);
    },
  });
}

/** The default scheme on the default provider. */
export const wst543KeyScheme: CardKeyScheme = createWst543KeyScheme();
