import { RhcError } from "@rhc/errors";
import type { ResponseApdu } from "../apdu/response.js";
import { swError } from "../apdu/status-words.js";
import type { SamKeyName } from "../health-card/keys.js";
import { concatBytes } from "../util/hex.js";
import { pad80 } from "../util/pad.js";
import type { ApduProcessor, PipelineCommand, SmRequest } from "./processor.js";

/** The diversification factors of the card in the reader (spec §4.3). */
export interface CardFactors {
  readonly cardF: Uint8Array;
  /** Needed by 2-level keys; learnt from element 57. */
  readonly cityF?: Uint8Array;
}

/** The SAM operations secure messaging chains (spec §4.5). */
export interface SamCryptoOps {
  /** `80 DE`: derive the card key (and the session key when a process factor is given). */
  derive(key: SamKeyName, factors: CardFactors, processFactor?: Uint8Array): Promise<void>;
  /** `80 FA 00 00`: SM4-ECB with the derived key; input a multiple of 16 bytes. */
  encrypt(block: Uint8Array): Promise<Uint8Array>;
  /** `80 FA 05 00` with a zero initial value: the 4-byte MAC over `input` (already padded). */
  mac(input: Uint8Array): Promise<Uint8Array>;
}

/**
 * What secure messaging needs from the SAM: the terminal never computes card keys itself, it asks
 * the SAM (`80 DE` derive, `80 FA` cipher/MAC) exactly as spec §4.5 describes.
 */
export interface SamCryptoPort extends SamCryptoOps {
  /** Runs derive + cipher + MAC without another caller's SAM commands in between. */
  exclusive<T>(work: (sam: SamCryptoOps) => Promise<T>): Promise<T>;
}

export const GET_CHALLENGE = { cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: 8 } as const;

/** Lc of an SM command with ciphertext (spec §4.5 length rule): 16·⌈(n+2)/16⌉ + 4. */
export function smLc(dataLength: number, mode: "mac" | "enc+mac"): number {
  return mode === "mac" ? dataLength + 4 : Math.ceil((dataLength + 2) / 16) * 16 + 4;
}

/**
 * Secure messaging (spec §4.5): for a command carrying `sm`, fetch a fresh card challenge, have
 * the SAM derive the DF's STK session key from it, encipher `Lp ‖ data ‖ 80…` (enc+mac), MAC
 * `pad80(header ‖ Lc' ‖ body)` with a zero IV, and send `body ‖ MAC4`.
 * APDUs: 4 for MAC only, 5 with encryption (6 / 7 with a SAM that answers 61xx + GET RESPONSE).
 */
export class SecureMessaging implements ApduProcessor {
  constructor(
    private readonly next: ApduProcessor,
    private readonly sam: SamCryptoPort,
    private readonly factors: () => CardFactors,
  ) {}

  /** Plain commands pass straight through (not `async`: no extra promise on their path). */
  send(command: PipelineCommand): Promise<ResponseApdu> {
    return command.sm ? this.protect(command, command.sm) : this.next.send(command);
  }

  private async protect(command: PipelineCommand, sm: SmRequest): Promise<ResponseApdu> {
    const { sm: _sm, ...plain } = command;
    const data = plain.data ?? new Uint8Array(0);
    if (sm.mode === "enc+mac" && data.length > 0xff) {
      throw new RhcError("MALFORMED_COMMAND", {
        detail: `${data.length} bytes do not fit one SM block (Lp is one byte)`,
      });
    }
    const challenge = await this.next.send(GET_CHALLENGE);
    if (challenge.sw !== 0x9000) throw swError(challenge.sw, "GET CHALLENGE for secure messaging");
    if (challenge.data.length !== 8) {
      throw new RhcError("MALFORMED_RESPONSE", { detail: `challenge of ${challenge.data.length} bytes` });
    }
    const protectedData = await this.sam.exclusive(async (sam) => {
      await sam.derive(sm.key, this.factors(), challenge.data);
      const body =
        sm.mode === "enc+mac" ? await sam.encrypt(pad80(concatBytes(Uint8Array.of(data.length), data))) : data;
      const header = Uint8Array.of(plain.cla, plain.ins, plain.p1, plain.p2, body.length + 4);
      return concatBytes(body, await sam.mac(pad80(concatBytes(header, body))));
    });
    return this.next.send({ ...plain, data: protectedData });
  }
}
