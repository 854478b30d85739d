import { type CommandHandler, equal, ok, swOnly } from "../engine.js";
import { refuse, SW, swMoreData, swTriesLeft, swWrongLe } from "../sw.js";

/** GET CHALLENGE (00 84): 4, 8 or 16 random bytes, valid for the next command only. */
export const getChallenge: CommandHandler = {
  ins: 0x84,
  cla: [0x00],
  name: "GET CHALLENGE",
  inBlockedApp: true,
  onBlockedCard: true,
  run(cos, cmd) {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) refuse(SW.WRONG_P1P2);
    if (cmd.data.length || (cmd.le !== 4 && cmd.le !== 8 && cmd.le !== 16)) refuse(SW.WRONG_LENGTH);
    const challenge = cos.randomBytes(cmd.le);
    cos.setChallenge(challenge);
    return ok(challenge);
  },
};

/**
 * EXTERNAL AUTHENTICATE (00 82 00 ref 11 crypt8 ‖ P8 ‖ 01), spec §4.4: the challenge is consumed
 * either way; success grants the key's right in the current DF and resets its counter; failure
 * decrements it (63Cx), 0 tries → 6983.
 */
export const externalAuthenticate: CommandHandler = {
  ins: 0x82,
  cla: [0x00],
  name: "EXTERNAL AUTHENTICATE",
  inBlockedApp: true,
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0) refuse(SW.WRONG_P1P2);
    if (cmd.data.length !== 17) refuse(SW.WRONG_LENGTH);
    const { df, key } = cos.keyByRef(cmd.p2, ["external-auth", "lock"]);
    if (key.triesLeft === 0) refuse(SW.AUTH_BLOCKED);
    if (cmd.data[16] !== 0x01) refuse(SW.WRONG_DATA);
    if (challenge?.length !== 8) refuse(SW.REFERENCE_INVALIDATED);
    const sk = cos.crypto.sessionKey(key.value!, challenge);
    const expected = cos.crypto.authCryptogram(sk, cmd.data.subarray(8, 16));
    if (!equal(expected, cmd.data.subarray(0, 8))) {
      const left = key.triesLeft - 1;
      cos.tx.set(key, "triesLeft", left);
      return swOnly(swTriesLeft(left));
    }
    if (key.triesLeft !== key.maxTries) cos.tx.set(key, "triesLeft", key.maxTries);
    cos.grant(df, key);
    return ok();
  },
};

/** INTERNAL AUTHENTICATE (00 88 00 ref 08 R8 [10]) [P]: SM4_IRK(R8 ‖ 00×8), 16 bytes. */
export const internalAuthenticate: CommandHandler = {
  ins: 0x88,
  cla: [0x00],
  name: "INTERNAL AUTHENTICATE",
  run(cos, cmd) {
    if (cmd.p1 !== 0) refuse(SW.WRONG_P1P2);
    if (cmd.data.length !== 8) refuse(SW.WRONG_LENGTH);
    const { key } = cos.keyByRef(cmd.p2, ["internal-auth"]);
    return cos.reply(cmd, cos.crypto.internalAuth(key.value!, cmd.data));
  },
};

/** GET RESPONSE (00 C0): the data a previous 61xx announced. */
export const getResponse: CommandHandler = {
  ins: 0xc0,
  cla: [0x00],
  name: "GET RESPONSE",
  inBlockedApp: true,
  run(cos, cmd) {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) refuse(SW.WRONG_P1P2);
    const pending = cos.pending;
    cos.pending = undefined;
    if (!pending) refuse(SW.CONDITIONS_NOT_SATISFIED);
    if (cmd.data.length || cmd.le === undefined) {
      cos.pending = pending;
      refuse(SW.WRONG_LENGTH);
    }
    const want = cmd.le === 256 ? Math.min(256, pending.length) : cmd.le;
    if (want > pending.length) {
      cos.pending = pending;
      return swOnly(swWrongLe(pending.length));
    }
    if (want < pending.length) {
      cos.pending = pending.slice(want);
      const out = new Uint8Array(want + 2);
      out.set(pending.subarray(0, want));
      const sw = swMoreData(Math.min(pending.length - want, 256));
      out[want] = sw >> 8;
      out[want + 1] = sw & 0xff;
      return out;
    }
    return ok(pending);
  },
};
