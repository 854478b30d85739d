import type { Command } from "../command.js";
import { type CommandHandler, type Cos, equal, ok, swOnly } from "../engine.js";
import { type PinSlot, pinCredential } from "../layout.js";
import { refuse, SW, swTriesLeft } from "../sw.js";
import type { DfNode, PinState } from "../tree.js";

/** The PIN with reference `ref` in the current DF or the nearest DF above it; 6A88 if none is set. */
export function findPin(cos: Cos, ref: number): { df: DfNode; pin: PinState } {
  for (const df of cos.currentDf.lineage()) {
    const pin = df.pins.get(ref);
    if (pin) {
      if (!pin.value) refuse(SW.REFERENCE_NOT_FOUND);
      return { df, pin };
    }
  }
  return refuse(SW.REFERENCE_NOT_FOUND);
}

/** Number of digits of a PIN block in the slot's format, or undefined when malformed. */
export function pinDigits(slot: PinSlot, block: Uint8Array): number | undefined {
  if (slot.format === "bcd") {
    const nibbles = [...block].flatMap((b) => [b >> 4, b & 0x0f]);
    let n = nibbles.length;
    if (nibbles[n - 1] === 0x0f) n--;
    if (nibbles.slice(0, n).some((d) => d > 9)) return undefined;
    return n >= slot.minDigits && n <= slot.maxDigits ? n : undefined;
  }
  if (block.length !== slot.maxDigits) return undefined;
  let n = block.indexOf(0xff);
  if (n < 0) n = block.length;
  if (block.subarray(n).some((b) => b !== 0xff) || block.subarray(0, n).some((b) => b < 0x30 || b > 0x39)) {
    return undefined;
  }
  return n >= slot.minDigits ? n : undefined;
}

export function wellFormedPin(slot: PinSlot, block: Uint8Array): void {
  if (pinDigits(slot, block) === undefined) refuse(slot.format === "bcd" ? SW.WRONG_DATA : SW.WRONG_LENGTH);
}

/** Compares a presented PIN; a mismatch costs a try (63Cx), a blocked PIN answers 6983. */
export function presentPin(cos: Cos, df: DfNode, pin: PinState, block: Uint8Array): Uint8Array | undefined {
  if (pin.triesLeft === 0) refuse(SW.AUTH_BLOCKED);
  wellFormedPin(pin.slot, block);
  if (!equal(block, pin.value!)) {
    cos.tx.set(pin, "triesLeft", pin.triesLeft - 1);
    cos.security.delete(pinCredential(df.path, pin.slot.ref));
    return swOnly(swTriesLeft(pin.triesLeft));
  }
  if (pin.triesLeft !== pin.slot.maxTries) cos.tx.set(pin, "triesLeft", pin.slot.maxTries);
  return undefined;
}

function setPin(cos: Cos, pin: PinState, block: Uint8Array): void {
  wellFormedPin(pin.slot, block);
  cos.tx.set(pin, "value", block.slice());
  cos.tx.set(pin, "triesLeft", pin.slot.maxTries);
}

/** VERIFY (00 20 00 ref): without data it reports the state (9000 verified, 63Cx tries left). */
export const verify: CommandHandler = {
  ins: 0x20,
  cla: [0x00],
  name: "VERIFY",
  run(cos, cmd) {
    if (cmd.p1 !== 0) refuse(SW.WRONG_P1P2);
    const { df, pin } = findPin(cos, cmd.p2);
    const credential = pinCredential(df.path, pin.slot.ref);
    if (cmd.data.length === 0) {
      if (pin.triesLeft === 0) refuse(SW.AUTH_BLOCKED);
      return cos.security.has(credential) ? ok() : swOnly(swTriesLeft(pin.triesLeft));
    }
    const failed = presentPin(cos, df, pin, cmd.data);
    if (failed) return failed;
    cos.security.add(credential);
    return ok();
  },
};

function splitOldNew(cmd: Command): [Uint8Array, Uint8Array] {
  const sep = cmd.data.indexOf(0xff);
  if (sep <= 0 || sep === cmd.data.length - 1) refuse(SW.WRONG_DATA);
  return [cmd.data.subarray(0, sep), cmd.data.subarray(sep + 1)];
}

/**
 * 80 5E: P1 = 01 CHANGE PIN (old ‖ FF ‖ new, PBOC layout); P1 = 00 RELOAD PIN (new ‖ MAC4 under the
 * session key of the PIN's DF maintenance key).
 */
export const changeOrReloadPin: CommandHandler = {
  ins: 0x5e,
  cla: [0x80],
  name: "CHANGE/RELOAD PIN",
  run(cos, cmd, challenge) {
    const { df, pin } = findPin(cos, cmd.p2);
    if (cmd.p1 === 0x01) {
      const [oldPin, newPin] = splitOldNew(cmd);
      wellFormedPin(pin.slot, newPin);
      const failed = presentPin(cos, df, pin, oldPin);
      if (failed) return failed;
      setPin(cos, pin, newPin);
      return ok();
    }
    if (cmd.p1 !== 0x00) refuse(SW.WRONG_P1P2);
    const newPin = cos.openSm(cmd, challenge, cos.keyOfKind(df, "maintenance"), false);
    setPin(cos, pin, newPin);
    return ok();
  },
};

/** PIN UNBLOCK (84 24 00 ref): enc(Lp ‖ PIN ‖ pad) ‖ MAC4; sets the PIN and resets its counter. */
export const unblockPin: CommandHandler = {
  ins: 0x24,
  cla: [0x84],
  name: "PIN UNBLOCK",
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0) refuse(SW.WRONG_P1P2);
    const { df, pin } = findPin(cos, cmd.p2);
    const newPin = cos.openSm(cmd, challenge, cos.keyOfKind(df, "maintenance"), true);
    setPin(cos, pin, newPin);
    return ok();
  },
};
