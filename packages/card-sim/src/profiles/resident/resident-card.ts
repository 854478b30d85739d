import { buildT0Atr } from "../../atr.js";
import { BASE_COMMANDS } from "../../cos/commands/index.js";
import type { CosCrypto } from "../../cos/crypto.js";
import { type CardLifecycle, Cos, type CosMode } from "../../cos/engine.js";
import { type CosState, importState } from "../../cos/state.js";
import { DF_PATHS, RESIDENT_LAYOUT } from "./layout.js";

/** Proprietary category byte of the historical bytes [P] (spec §5.1). */
export const RESIDENT_ATR_CATEGORY = 0x57;

/**
 * The contact ATR of spec §5.1 [P]: 3B 69 00 00 57 ‖ cardF — T=0, TB1 = TC1 = 00, 9 historical
 * bytes. cardF sits at bytes 5..12, which are also the last 8 bytes, so both vendor rules find it.
 */
export function residentAtr(cardF: Uint8Array): Uint8Array {
  if (cardF.length !== 8) throw new RangeError("cardF is 8 bytes");
  return buildT0Atr(Uint8Array.of(RESIDENT_ATR_CATEGORY, ...cardF));
}

/**
 * The contactless ATS of spec §5.1 [P]: 0D 78 80 70 02 ‖ cardF (TL 13, FSCI 8, FWI 7). vpcd only
 * carries an ATR, so the simulator answers with `residentAtr`; both put cardF at bytes 5..12 and
 * last, so both vendor factor rules find it.
 */
export function residentAts(cardF: Uint8Array): Uint8Array {
  if (cardF.length !== 8) throw new RangeError("cardF is 8 bytes");
  return Uint8Array.of(0x0d, 0x78, 0x80, 0x70, 0x02, ...cardF);
}

export interface ResidentCardOptions {
  cardF: Uint8Array;
  crypto: CosCrypto;
  mode?: CosMode;
  lifecycle?: CardLifecycle;
  state?: CosState;
  random?: (length: number) => Uint8Array;
}

/** The resident health card (居民健康卡): the generic COS on the spec §2 tree. */
export class ResidentCard extends Cos {
  readonly cardF: Uint8Array;

  constructor(options: ResidentCardOptions) {
    super(
      {
        layout: RESIDENT_LAYOUT,
        atr: residentAtr(options.cardF),
        crypto: options.crypto,
        globalKeyDf: DF_PATHS.DDF1,
        activationDf: DF_PATHS.DDF1,
        ...(options.mode ? { mode: options.mode } : {}),
        ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
        ...(options.random ? { random: options.random } : {}),
      },
      BASE_COMMANDS,
    );
    this.cardF = options.cardF.slice();
    if (options.state) importState(this, options.state);
  }
}
