/**
 * The symmetric operations of the card side (spec reference §4.3–§4.5). They are project choices
 * [P] (the real algorithms are not public), so the engine only sees this interface: the subset of
 * `@rhc/crypto`'s `CardKeyScheme` a card needs. Cards and SAMs are handed the same scheme object
 * the terminal side uses, so swapping the scheme changes card, SAM and middleware together.
 */
export interface CosCrypto {
  /** One diversification level: K' = Div(K, factor8). */
  diversify(key: Uint8Array, factor: Uint8Array): Uint8Array;
  /** Applies `diversify` for each factor in order (cardF, then cityF). */
  deriveCardKey(master: Uint8Array, factors: readonly Uint8Array[]): Uint8Array;
  /** Process (session) key from a card key and the 8-byte card challenge. */
  sessionKey(cardKey: Uint8Array, challenge: Uint8Array): Uint8Array;
  /** EXTERNAL AUTHENTICATE cryptogram (8 bytes) for the terminal's P under a session key. */
  authCryptogram(sessionKey: Uint8Array, p: Uint8Array): Uint8Array;
  /** INTERNAL AUTHENTICATE answer (16 bytes) of the IRK to the terminal's 8-byte random. */
  internalAuth(key: Uint8Array, challenge: Uint8Array): Uint8Array;
  /** Secure-messaging MAC (4 bytes) over the header, Lc' and payload. */
  mac(sessionKey: Uint8Array, data: Uint8Array): Uint8Array;
  /** Lp ‖ data ‖ 80 00.. encrypted (the terminal side of SM). */
  encryptForSm(sessionKey: Uint8Array, data: Uint8Array): Uint8Array;
  /** Opens an SM ciphertext; throws on bad length, Lp or padding. */
  decryptFromSm(sessionKey: Uint8Array, cipher: Uint8Array): Uint8Array;
}

/** ISO/IEC 9797-1 padding method 2 to a multiple of 16 bytes: 80 then zeros. */
export function pad80(data: Uint8Array, block = 16): Uint8Array {
  const out = new Uint8Array(Math.floor(data.length / block + 1) * block);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Inverse of `pad80`; undefined when the padding is wrong. */
export function unpad80(data: Uint8Array): Uint8Array | undefined {
  let end = data.length - 1;
  while (end >= 0 && data[end] === 0) end--;
  return end >= 0 && data[end] === 0x80 ? data.slice(0, end) : undefined;
}
