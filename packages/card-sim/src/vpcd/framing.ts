/**
 * vpcd wire framing (vsmartcard): every message in both directions is a 2-byte big-endian length
 * followed by that many bytes. A 1-byte message from vpcd is a control code; longer ones are APDUs.
 */
export const VPCD_CONTROL = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  RESET: 0x02,
  ATR_REQUEST: 0x04,
} as const;

const MAX_FRAME = 0xffff;

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME) throw new RangeError(`vpcd frame too long: ${payload.length} bytes`);
  const frame = Buffer.allocUnsafe(payload.length + 2);
  frame.writeUInt16BE(payload.length, 0);
  frame.set(payload, 2);
  return frame;
}

/** Reassembles frames from TCP chunks, which may split or merge messages arbitrarily. */
export class FrameDecoder {
  private buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Uint8Array[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    const frames: Uint8Array[] = [];
    while (this.buffer.length >= 2) {
      const length = this.buffer.readUInt16BE(0);
      if (this.buffer.length < 2 + length) break;
      frames.push(new Uint8Array(this.buffer.subarray(2, 2 + length)));
      this.buffer = this.buffer.subarray(2 + length);
    }
    return frames;
  }

  get pending(): number {
    return this.buffer.length;
  }
}
