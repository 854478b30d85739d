import net from "node:net";

/** vpcd's ATR request control byte (vsmartcard wire protocol: 2-byte length ‖ payload frames). */
const ATR_REQUEST = 0x04;
/** Longer than any ATR (ISO 7816-3: at most 33 bytes): vpcd cannot hand it to pcscd. */
const UNUSABLE_ATR = new Uint8Array(40).fill(0x3b);

/**
 * A card that is in the reader but does not answer reset, plugged into a vpcd slot by hand:
 * vpcd's presence check sees an answer, but the ATR it gets at power-up does not fit, so pcscd
 * cannot power the card and reports it MUTE (SCARD_STATE_MUTE). card-sim's `mute` fault cannot
 * show this: it silences APDUs after a good reset, and the reader then reports the card removed.
 * Returns the function that pulls the card again.
 */
export async function insertMuteCard(port: number, host = "127.0.0.1"): Promise<() => Promise<void>> {
  const socket = net.createConnection({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const frame = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + frame.length);
      if (frame.length === 1 && frame[0] === ATR_REQUEST) {
        const answer = Buffer.alloc(2 + UNUSABLE_ATR.length);
        answer.writeUInt16BE(UNUSABLE_ATR.length, 0);
        answer.set(UNUSABLE_ATR, 2);
        socket.write(answer);
      }
    }
  });
  return () =>
    new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
}
