import { RhcError } from "@rhc/errors";
import { swError } from "../apdu/status-words.js";
import type { ApduChannel } from "../pipeline/channel.js";
import type { PipelineCommand } from "../pipeline/processor.js";
import { type CardFactors, GET_CHALLENGE } from "../pipeline/secure-messaging.js";
import type { SamSession } from "../sam/sam-session.js";
import { concatBytes } from "../util/hex.js";
import { DFS, type DfName, type FileId, fileDef, MF_FID } from "./files.js";
import {
  CARD_KEY_REFERENCES,
  EXTERNAL_AUTH_TRAILER,
  type KeyName,
  READ_AUTH_P,
  SAM_KEYS,
  type SamKeyName,
} from "./keys.js";

const fidBytes = (fid: number) => Uint8Array.of(fid >> 8, fid & 0xff);

/**
 * Knows where the card is (current DF and EF) and which keys are authenticated, so that every
 * operation sends only the SELECTs and EXTERNAL AUTHENTICATEs it really needs (spec §5.3: a DF
 * change clears the security state; EFs of one DF share it).
 */
export class CardNavigator {
  private df: DfName | "MF" | undefined;
  private ef: FileId | undefined;
  private readonly authenticated = new Set<KeyName>();

  constructor(
    readonly channel: ApduChannel,
    private readonly sam: () => SamSession,
    private readonly factors: () => CardFactors,
  ) {}

  get currentDf(): DfName | "MF" | undefined {
    return this.df;
  }

  /** Forget position and security state (after a failure the card's state is unknown). */
  reset(): void {
    this.df = undefined;
    this.ef = undefined;
    this.authenticated.clear();
  }

  private async select(fid: number, context: string): Promise<void> {
    try {
      await this.channel.call({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x00, data: fidBytes(fid) }, context);
    } catch (error) {
      this.reset();
      throw error;
    }
  }

  /** SELECT MF (the MF's own keys, e.g. in personalisation): 0 APDUs when already there, else 1. */
  async selectMf(): Promise<void> {
    if (this.df === "MF") return;
    await this.select(MF_FID, "SELECT MF");
    this.enter("MF");
  }

  private enter(df: DfName | "MF"): void {
    this.df = df;
    this.ef = undefined;
    this.authenticated.clear();
  }

  /**
   * 0 APDUs when already there; 1 from the parent, a child or a sibling DF (spec §5.3 rule 2:
   * SELECT by FID searches children, parent and siblings); 2 from elsewhere.
   */
  async selectDf(df: DfName): Promise<void> {
    if (this.df === df) return;
    const target = DFS[df];
    if (target.parent === "DDF1" && this.df !== "DDF1" && !(this.df ?? "").startsWith("DF")) {
      await this.select(DFS.DDF1.fid, "SELECT DDF1");
    }
    await this.select(target.fid, `SELECT ${df}`);
    this.enter(df);
  }

  /** Selects the file's DF if needed, then the EF if it is not the current one. */
  async selectFile(file: FileId): Promise<void> {
    const def = fileDef(file);
    await this.selectDf(def.df);
    if (this.ef === file) return;
    await this.select(def.fid, `SELECT ${file}`);
    this.ef = file;
  }

  /**
   * EXTERNAL AUTHENTICATE with `key` in the current DF unless already done (spec §4.4): card GET
   * CHALLENGE, SAM derive + cipher, card `00 82 00 ref 11 crypt ‖ P ‖ 01`: 4 APDUs (5 with a SAM
   * that answers 61xx + GET RESPONSE). One challenge serves update keys too: the card only checks the cryptogram, and the
   * challenge inside the session key is what makes it fresh.
   */
  async authenticate(key: KeyName): Promise<void> {
    if (this.authenticated.has(key)) return;
    if (!(key in SAM_KEYS)) throw new RhcError("INTERNAL", { detail: `${key} is not usable through the SAM` });
    const factors = this.factors();
    const challenge = await this.channel.call(GET_CHALLENGE, "GET CHALLENGE");
    const cryptogram = await this.sam().authCryptogram(key as SamKeyName, factors, challenge, READ_AUTH_P);
    const data = concatBytes(cryptogram, READ_AUTH_P, Uint8Array.of(EXTERNAL_AUTH_TRAILER));
    const response = await this.channel.send({ cla: 0x00, ins: 0x82, p1: 0x00, p2: CARD_KEY_REFERENCES[key], data });
    if (response.sw !== 0x9000) throw swError(response.sw, `EXTERNAL AUTHENTICATE ${key}`);
    this.authenticated.add(key);
  }

  /** Sends a command of the current file; a failure leaves the card position unknown. */
  async call(command: PipelineCommand, context: string): Promise<Uint8Array> {
    try {
      return await this.channel.call(command, context);
    } catch (error) {
      if (error instanceof RhcError && error.sw === undefined) this.reset();
      throw error;
    }
  }
}
