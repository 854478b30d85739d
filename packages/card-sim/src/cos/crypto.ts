/**
 * The symmetric operations a card and a SAM need (spec reference §4.3–§4.5). All of them are
 * project choices [P] (the real SAM algorithms are not public), so the engine only sees this
 * interface; `wst543CosCrypto` adapts the `@rhc/crypto` key scheme, the same strategy object the
 * terminal-side SAM code uses, so swapping the scheme changes card and SAM together.
 */
export interface CosCrypto {
  /** One diversification level: K' = Div(K, factor8). */
  diversify(key: Uint8Array, factor: Uint8Array): Uint8Array;
  /** Process (session) key from a card key and the 8-byte card challenge. */
  sessionKey(cardKey: Uint8Array, challenge: Uint8Array): Uint8Array;
  /** EXTERNAL AUTHENTICATE cryptogram (8 bytes) the terminal must present for P under a session key. */
  authCryptogram(sessionKey: Uint8Array, p: Uint8Array): Uint8Array;
  /** INTERNAL AUTHENTICATE answer (16 bytes) of the card's IRK to the terminal's random. */
  internalAuth(irk: Uint8Array, random: Uint8Array): Uint8Array;
  /** Block encryption without padding (length a multiple of 16). */
  encryptBlocks(key: Uint8Array, data: Uint8Array): Uint8Array;
  decryptBlocks(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** CBC-MAC over already padded data with an initial value; returns the MAC as a terminal sees it. */
  macPadded(key: Uint8Array, paddedData: Uint8Array, iv: Uint8Array): Uint8Array;
  /** Secure-messaging MAC of an unpadded message (80 00.. padding, zero IV). */
  mac(sessionKey: Uint8Array, message: Uint8Array): Uint8Array;
}

/** ISO/IEC 9797-1 padding method 2 to a multiple of 16 bytes: 80 then zeros. */
export function pad80(data: Uint8Array, block = 16): Uint8Array {
  const out = new Uint8Array(Math.floor(data.length / block + 1) * block);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Plain block of an SM command: Lp ‖ data ‖ 80 00.. (spec §4.5 step 3). */
export function smPlainBlock(data: Uint8Array): Uint8Array {
  const withLp = new Uint8Array(data.length + 1);
  withLp[0] = data.length;
  withLp.set(data, 1);
  return pad80(withLp);
}

/** Inverse of `smPlainBlock`; undefined when Lp or the padding is wrong. */
export function smOpenBlock(block: Uint8Array): Uint8Array | undefined {
  if (block.length === 0) return undefined;
  const lp = block[0]!;
  if (lp + 2 > block.length || block[lp + 1] !== 0x80) return undefined;
  for (let i = lp + 2; i < block.length; i++) if (block[i] !== 0) return undefined;
  return block.slice(1, 1 + lp);
}
