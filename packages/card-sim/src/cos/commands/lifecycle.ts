import type { Command } from "../command.js";
import { type CommandHandler, type Cos, ok } from "../engine.js";
import { type KeyKind, keyCredential } from "../layout.js";
import { refuse, SW } from "../sw.js";
import type { DfNode } from "../tree.js";

/** Checks a MAC-only command (no data besides the MAC) under the session key of `df`'s STK. */
function macOnly(cos: Cos, cmd: Command, challenge: Uint8Array | undefined, df: DfNode): void {
  const rest = cos.openSm(cmd, challenge, cos.keyOfKind(df, "maintenance"), false);
  if (rest.length !== 0) refuse(SW.WRONG_DATA);
}

/** APPLICATION BLOCK (84 1E 00 P2 04 MAC): P2 00 temporary, 01 permanent; STK of the current DF. */
export const applicationBlock: CommandHandler = {
  ins: 0x1e,
  cla: [0x84],
  name: "APPLICATION BLOCK",
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0 || cmd.p2 > 1) refuse(SW.WRONG_P1P2);
    const df = cos.currentDf;
    if (df === cos.root) refuse(SW.CONDITIONS_NOT_SATISFIED);
    macOnly(cos, cmd, challenge, df);
    cos.tx.set(df, "state", cmd.p2 === 1 ? "blocked-permanent" : "blocked");
    cos.security.clear();
    return ok();
  },
};

/**
 * APPLICATION UNBLOCK (84 18 00 00 04 MAC) [P]: clears a temporary block. When the DF has a lock
 * key (LK), a prior EXTERNAL AUTHENTICATE with it is required, so a terminal SAM can block a card
 * but only the issuer (whose ISAM holds the LK masters) can unblock it.
 */
export const applicationUnblock: CommandHandler = {
  ins: 0x18,
  cla: [0x84],
  name: "APPLICATION UNBLOCK",
  inBlockedApp: true,
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) refuse(SW.WRONG_P1P2);
    const df = cos.currentDf;
    if (df.state !== "blocked") refuse(SW.CONDITIONS_NOT_SATISFIED);
    const lock = [...df.keys.values()].find((k) => k.slot.kind === "lock" && k.value);
    if (lock) cos.check([keyCredential(df.path, lock.slot.id)]);
    macOnly(cos, cmd, challenge, df);
    cos.tx.set(df, "state", "active");
    return ok();
  },
};

/** CARD BLOCK (84 16 00 00 04 MAC): permanent, MAC under the MF's STK (STKMF). */
export const cardBlock: CommandHandler = {
  ins: 0x16,
  cla: [0x84],
  name: "CARD BLOCK",
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) refuse(SW.WRONG_P1P2);
    macOnly(cos, cmd, challenge, cos.root);
    cos.tx.set(cos, "lifecycle", "blocked");
    cos.security.clear();
    return ok();
  },
};

/**
 * ACTIVATE FILE (84 44 00 00 04 MAC) [P], on the activation DF (DDF1), MAC under its STK: ends
 * personalisation. Every key slot except the transport keys must be loaded; the transport keys
 * are then erased and frozen files (DDF1 EF05/EF06) become read-only.
 */
export const activateFile: CommandHandler = {
  ins: 0x44,
  cla: [0x84],
  name: "ACTIVATE FILE",
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0 || cmd.p2 !== 0) refuse(SW.WRONG_P1P2);
    if (cos.lifecycle !== "personalisation") refuse(SW.CONDITIONS_NOT_SATISFIED);
    if (cos.currentDf.path !== cos.activationDfPath) refuse(SW.CONDITIONS_NOT_SATISFIED);
    for (const df of cos.root.dfs()) {
      for (const key of df.keys.values())
        if (key.slot.kind !== "transport" && !key.value) refuse(SW.CONDITIONS_NOT_SATISFIED);
    }
    macOnly(cos, cmd, challenge, cos.currentDf);
    for (const df of cos.root.dfs()) {
      for (const key of df.keys.values()) if (key.slot.kind === "transport") cos.tx.set(key, "value", undefined);
    }
    cos.tx.set(cos, "lifecycle", "operational");
    return ok();
  },
};

/** Key-type byte of a WRITE KEY record [P]. */
export const KEY_TYPE_CODES: Readonly<Record<KeyKind, number>> = {
  "external-auth": 0x01,
  "internal-auth": 0x02,
  maintenance: 0x03,
  lock: 0x04,
  transport: 0x05,
};

export const KEY_RECORD_LENGTH = 18;

/**
 * WRITE KEY (84 D4 P1 keyId Lc enc(Lp ‖ type ‖ maxTries ‖ key16 ‖ pad) ‖ MAC4) [P]: personalisation
 * only, SM under the session key of the current DF's transport key. P1 00 loads an empty slot,
 * 01 replaces a loaded key. The record's type must match the slot.
 */
export const writeKey: CommandHandler = {
  ins: 0xd4,
  cla: [0x84],
  name: "WRITE KEY",
  run(cos, cmd, challenge) {
    if (cmd.p1 > 1) refuse(SW.WRONG_P1P2);
    if (cos.lifecycle !== "personalisation") refuse(SW.CONDITIONS_NOT_SATISFIED);
    const df = cos.currentDf;
    const slot = df.keys.get(cmd.p2);
    if (!slot || slot.slot.kind === "transport") refuse(SW.REFERENCE_NOT_FOUND);
    const transport = cos.keyOfKind(df, "transport");
    const record = cos.openSm(cmd, challenge, transport, true);
    if (record.length !== KEY_RECORD_LENGTH) refuse(SW.WRONG_DATA);
    const [type, maxTries] = [record[0]!, record[1]!];
    if (type !== KEY_TYPE_CODES[slot.slot.kind] || maxTries < 1 || maxTries > 15) refuse(SW.WRONG_DATA);
    if ((cmd.p1 === 0) !== (slot.value === undefined)) refuse(SW.CONDITIONS_NOT_SATISFIED);
    cos.tx.set(slot, "value", record.slice(2));
    cos.tx.set(slot, "maxTries", maxTries);
    cos.tx.set(slot, "triesLeft", maxTries);
    return ok();
  },
};
