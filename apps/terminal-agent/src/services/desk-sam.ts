import { type CardTransport, connectCard, SamSession, toHex } from "@rhc/card-protocol";
import { isRhcError, RhcError } from "@rhc/errors";
import type { Secret } from "../log/secret.js";
import type { DeskReader, ReaderDirectory } from "../readers/reader-directory.js";

/** ISO 7816-4 VERIFY without data: asks for the PIN state without presenting the PIN (no try spent). */
const PIN_STATE_QUERY = { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x00 } as const;

/** Where a kept SAM session stands, from the SAM's own answer rather than from what the session remembers. */
export type SamReadiness = "verified" | "not-verified" | "lost";

/**
 * Asks the SAM itself. The PIN lives in DF01 only, so 9000 means "in DF01 with the PIN verified" and
 * 63Cx (x > 0) "in DF01 without it". Anything else — another DF selected by another program, a
 * blocked PIN, a reset or pulled SAM, a dead pcscd — means the session cannot be trusted any more.
 */
export async function samReadiness(sam: SamSession): Promise<SamReadiness> {
  try {
    // Straight on the channel: SamSession.pinState() falls back to its own memory for unclear answers.
    const { sw } = await sam.channel.send(PIN_STATE_QUERY);
    if (sw === 0x9000) return "verified";
    if ((sw & 0xfff0) === 0x63c0 && sw !== 0x63c0) return "not-verified";
    return "lost";
  } catch {
    return "lost";
  }
}

/**
 * The desk's SAM session, kept open across card operations: opening one costs a PC/SC connection
 * and 7 APDUs (SELECT MF, two EF reads, SELECT DF01, VERIFY), more than a third of an identity read.
 * Before each use the SAM is asked where it stands (1 APDU), because other programs may share the
 * SAM reader and leave it elsewhere; a SAM that was pulled, swapped, reset or moved out of DF01 is
 * re-opened, and a lost PIN state is restored. The desk calls `release()` when the reader monitor
 * reports the SAM or pcscd gone. Not safe for concurrent callers: use it under the desk's card lock.
 *
 * A configured PIN the SAM refuses is never presented again: every read would otherwise spend a
 * try, and three reads would block the desk's SAM (a support visit). The refusal is latched until
 * the agent restarts with a corrected `sam.pinFile`.
 */
export class DeskSam {
  private current: SamSession | undefined;
  private refused: RhcError | undefined;

  constructor(
    private readonly transport: CardTransport,
    private readonly readers: ReaderDirectory,
    private readonly pin: Secret | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** A SAM session in DF01 with the PIN verified (when one is configured), and the SAM's reader. */
  async session(): Promise<{ sam: SamSession; reader: DeskReader }> {
    if (this.refused) throw this.refused;
    const reader = await this.readers.cardReader("sam", "SAM_MISSING");
    return { sam: await this.ready(reader), reader };
  }

  private async ready(reader: DeskReader): Promise<SamSession> {
    const kept = this.current;
    if (kept && kept.reader === reader.name && toHex(kept.channel.connection.atr) === reader.atr) {
      const state = await samReadiness(kept);
      if (state === "verified" || (state === "not-verified" && !this.pin)) return kept;
      if (state === "not-verified") return this.verify(kept);
    }
    await this.release();
    this.current = await this.open(reader.name);
    return this.current;
  }

  /** Closes the kept session (SAM removed, pcscd gone, agent stopping); the next use opens a new one. */
  async release(): Promise<void> {
    const sam = this.current;
    this.current = undefined;
    await sam?.close().catch(() => undefined);
  }

  private async open(reader: string): Promise<SamSession> {
    const connection = await connectCard(this.transport, reader);
    try {
      const sam = await SamSession.open(connection, { timeoutMs: this.timeoutMs });
      if (this.pin) await this.presentPin(sam);
      return sam;
    } catch (error) {
      await connection.disconnect("reset").catch(() => undefined);
      throw error;
    }
  }

  private async presentPin(sam: SamSession): Promise<void> {
    try {
      await sam.verifyPin(this.pin!.reveal());
    } catch (error) {
      if (isRhcError(error) && (error.code === "PIN_INVALID" || error.code === "PIN_BLOCKED")) {
        const triesLeft = (error.data as { triesLeft?: number } | undefined)?.triesLeft;
        this.refused = new RhcError("SAM_PIN_REJECTED", {
          detail: `the SAM answered ${error.code} to the PIN of sam.pinFile`,
          data: { samAnswer: error.code, ...(triesLeft !== undefined ? { triesLeft } : {}) },
          ...(error.sw !== undefined ? { sw: error.sw } : {}),
          cause: error,
        });
        throw this.refused;
      }
      throw error;
    }
  }

  /** The SAM is still in DF01 but lost its PIN state (another program re-selected DF01): verify again. */
  private async verify(sam: SamSession): Promise<SamSession> {
    try {
      await this.presentPin(sam);
      return sam;
    } catch (error) {
      await this.release();
      throw error;
    }
  }
}
