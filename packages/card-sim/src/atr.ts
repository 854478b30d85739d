/**
 * Builds an ATR for a T=1 card with up to 15 historical bytes:
 * TS=3B, T0=0x80|K (TD1 present), TD1=01 (T=1), historical bytes, TCK (XOR of T0..last byte).
 */
export function buildT1Atr(historical: Uint8Array): Uint8Array {
  if (historical.length > 15) throw new RangeError("at most 15 historical bytes");
  const body = [0x80 | historical.length, 0x01, ...historical];
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Uint8Array.from([0x3b, ...body, tck]);
}

/**
 * Builds an ATR that only announces T=0 with TB1/TC1 present (the health-card layout of spec §5.1):
 * TS=3B, T0=0x60|K, TB1, TC1, historical bytes. T=0 only, so no TCK.
 */
export function buildT0Atr(historical: Uint8Array, tb1 = 0x00, tc1 = 0x00): Uint8Array {
  if (historical.length > 15) throw new RangeError("at most 15 historical bytes");
  return Uint8Array.from([0x3b, 0x60 | historical.length, tb1, tc1, ...historical]);
}
