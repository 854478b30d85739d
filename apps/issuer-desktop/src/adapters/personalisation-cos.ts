import type { ApduChannel } from "@rhc/card-protocol";
import { isRhcError } from "@rhc/errors";

/** Where a health card is in its life, as its COS answers: still writable, locked, or unclear. */
export type CardLifecycle = "personalisation" | "activated" | "unknown";

/** WRITE KEY P1: load an empty slot / replace a loaded key (card-sim README, step 8). */
export const WRITE_KEY_P1 = { load: 0x00, replace: 0x01 } as const;
export type WriteKeyP1 = (typeof WRITE_KEY_P1)[keyof typeof WRITE_KEY_P1];

/**
 * [P] The COS-specific answers the personaliser relies on. The spec leaves the personalisation
 * lifecycle to the card's operating system, so the lifecycle question and the "key already
 * loaded" retry live here; a real COS that answers differently gets its own implementation.
 */
export interface PersonalisationCos {
  /** Asks the card (DDF1/EF05 selected) for its lifecycle; must change nothing on the card. */
  lifecycle(card: ApduChannel): Promise<CardLifecycle>;
  /**
   * Loads one key; `send(p1)` runs the whole key ceremony (challenge, ISAM wrap, WRITE KEY) and
   * throws the card's RhcError. Decides how a slot loaded by an interrupted attempt is rewritten.
   */
  writeKey(send: (p1: WriteKeyP1) => Promise<void>): Promise<void>;
}

/** WRITE KEY of the transport slot (00) with a bare MAC-sized body: refused either way. */
const LIFECYCLE_PROBE = { cla: 0x84, ins: 0xd4, p1: 0, p2: 0, data: new Uint8Array(4) } as const;
/** Lifecycle by the SW the probe gets (data over code). */
const LIFECYCLE_BY_SW: ReadonlyMap<number, CardLifecycle> = new Map([
  [0x6a88, "personalisation"],
  [0x6985, "activated"],
]);
/** WRITE KEY with P1 00 on a loaded slot. */
const SW_KEY_LOADED = 0x6985;

/**
 * The card-sim / FMCOS-style COS (card-sim README, personalisation protocol steps 8 and 12):
 * WRITE KEY of the transport slot answers 6A88 during personalisation and 6985 after ACTIVATE;
 * loading (P1 00) an already loaded slot answers 6985, and the key is then replaced (P1 01).
 * A fresh card costs no extra APDU.
 */
export const fmcosStylePersonalisation: PersonalisationCos = {
  async lifecycle(card) {
    const r = await card.send(LIFECYCLE_PROBE);
    return LIFECYCLE_BY_SW.get(r.sw) ?? "unknown";
  },
  async writeKey(send) {
    try {
      await send(WRITE_KEY_P1.load);
    } catch (error) {
      if (!isRhcError(error) || error.sw !== SW_KEY_LOADED) throw error;
      await send(WRITE_KEY_P1.replace);
    }
  },
};
