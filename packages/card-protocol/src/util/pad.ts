/** ISO/IEC 9797-1 padding method 2: append 0x80, then 0x00 up to a multiple of `block`. */
export function pad80(data: Uint8Array, block = 16): Uint8Array {
  const length = Math.ceil((data.length + 1) / block) * block;
  const out = new Uint8Array(length);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** XOR of the two halves: the 8-byte cryptogram made of a 16-byte SM4 block (spec §4.4). */
export function fold(block: Uint8Array): Uint8Array {
  const half = block.length >> 1;
  const out = new Uint8Array(half);
  for (let i = 0; i < half; i++) out[i] = block[i]! ^ block[half + i]!;
  return out;
}
