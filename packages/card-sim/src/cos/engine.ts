import { randomBytes } from "node:crypto";
import type { PowerEvent, SimCard } from "../sim-card.js";
import { type Command, macHeader, parseCommand } from "./command.js";
import type { CosCrypto } from "./crypto.js";
import { Journal } from "./journal.js";
import { type Condition, type Credential, type DfLayout, type KeyKind, keyCredential, MF_FID } from "./layout.js";
import { CardError, refuse, SW, swMoreData, swWrongLe } from "./sw.js";
import { DfNode, type EfNode, findByPath, type KeyState } from "./tree.js";

/** Card lifecycle: a blank card is in personalisation until ACTIVATE; CARD BLOCK is final. */
export type CardLifecycle = "personalisation" | "operational" | "blocked";

/** Spec-strict behaviour, or also accept what deployed vendor builds send (spec reference §12). */
export type CosMode = "strict" | "vendor";

export interface CosOptions {
  layout: DfLayout;
  atr: Uint8Array;
  crypto: CosCrypto;
  mode?: CosMode;
  lifecycle?: CardLifecycle;
  /** Key file used by key references with b8 = 0 (the resident card's DDF1). Default: MF. */
  globalKeyDf?: string;
  /** The DF whose ACTIVATE FILE ends personalisation. Default: MF. */
  activationDf?: string;
  /** Extra or replaced commands of a profile (SAM, staff card), by INS. */
  commands?: readonly CommandHandler[];
  /** Random source for GET CHALLENGE (tests make it deterministic). */
  random?: (length: number) => Uint8Array;
}

/** How a command runs: CLA bytes it accepts and whether it works inside a temporarily blocked DF. */
export interface CommandHandler {
  readonly ins: number;
  readonly cla: readonly number[];
  readonly name: string;
  readonly inBlockedApp?: boolean;
  /** Allowed on a blocked card (only SELECT MF and GET CHALLENGE are). */
  readonly onBlockedCard?: boolean;
  run(cos: Cos, cmd: Command, challenge: Uint8Array | undefined): Uint8Array;
}

export const ok = (data: Uint8Array | readonly number[] = []): Uint8Array => {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = 0x90;
  return out;
};
export const swOnly = (sw: number): Uint8Array => Uint8Array.of(sw >> 8, sw & 0xff);
export const withSw = (data: Uint8Array, sw: number): Uint8Array => {
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
};

/**
 * A generic COS: MF/DF/EF tree, selection, files and records, access conditions, keys with retry
 * counters, PINs, secure messaging, lifecycle. Every command is atomic (journal); persistent
 * changes are reported through `onPersist` so the host can save the card image after each write.
 */
export class Cos implements SimCard {
  readonly root: DfNode;
  readonly crypto: CosCrypto;
  readonly mode: CosMode;
  readonly tx = new Journal();
  lifecycle: CardLifecycle;
  /** Called after every command that changed persistent state. */
  onPersist: (() => void) | undefined;

  currentDf: DfNode;
  currentEf: EfNode | undefined;
  /** Record pointer of the current EF (1-based) for "current/next/previous record" addressing. */
  recordPointer = 0;
  readonly security = new Set<Credential>();
  /** Data waiting for GET RESPONSE after a 61xx. */
  pending: Uint8Array | undefined;
  /** The last GET CHALLENGE answer, consumed by the next command whatever it is (spec §5.3 rule 5). */
  private challenge: Uint8Array | undefined;

  private readonly atrBytes: Uint8Array;
  private readonly handlers = new Map<number, CommandHandler[]>();
  private readonly classes = new Set<number>();
  private readonly random: (length: number) => Uint8Array;
  readonly globalKeyDfPath: string;
  readonly activationDfPath: string;

  constructor(options: CosOptions, baseCommands: readonly CommandHandler[]) {
    this.root = new DfNode(options.layout, undefined);
    if (this.root.fid !== MF_FID) throw new Error("the root of a card layout must be the MF (3F00)");
    this.crypto = options.crypto;
    this.mode = options.mode ?? "strict";
    this.lifecycle = options.lifecycle ?? "operational";
    this.atrBytes = options.atr;
    this.random = options.random ?? ((n) => new Uint8Array(randomBytes(n)));
    this.globalKeyDfPath = options.globalKeyDf ?? this.root.path;
    this.activationDfPath = options.activationDf ?? this.root.path;
    for (const h of [...baseCommands, ...(options.commands ?? [])]) {
      // A later handler for the same INS and CLA replaces the earlier one (profiles override).
      const others = (this.handlers.get(h.ins) ?? []).filter((o) => !o.cla.some((c) => h.cla.includes(c)));
      this.handlers.set(h.ins, [...others, h]);
      for (const c of h.cla) this.classes.add(c);
    }
    this.currentDf = this.root;
  }

  atr(): Uint8Array {
    return this.atrBytes;
  }

  power(event: PowerEvent): void {
    if (event === "off") return;
    this.resetVolatile();
  }

  protected resetVolatile(): void {
    this.currentDf = this.root;
    this.currentEf = undefined;
    this.recordPointer = 0;
    this.security.clear();
    this.pending = undefined;
    this.challenge = undefined;
    this.onReset();
  }

  /** Profiles with volatile state of their own (SAM session keys) clear it here. */
  protected onReset(): void {}

  process(apdu: Uint8Array): Uint8Array {
    const before = this.tx.version;
    const response = this.execute(apdu);
    if (this.tx.version !== before) this.onPersist?.();
    return response;
  }

  private execute(apdu: Uint8Array): Uint8Array {
    const challenge = this.challenge;
    this.challenge = undefined;
    const pending = this.pending;
    this.pending = undefined;
    let cmd: Command;
    try {
      cmd = parseCommand(apdu);
    } catch (error) {
      return swOnly(error instanceof CardError ? error.sw : SW.WRONG_LENGTH);
    }
    if (!this.classes.has(cmd.cla)) return swOnly(SW.CLA_NOT_SUPPORTED);
    const candidates = this.handlers.get(cmd.ins);
    if (!candidates) return swOnly(SW.INS_NOT_SUPPORTED);
    const handler = candidates.find((h) => h.cla.includes(cmd.cla));
    if (!handler) return swOnly(SW.CLA_NOT_SUPPORTED);
    if (cmd.ins === 0xc0) this.pending = pending;
    const gate = this.gate(handler, cmd);
    if (gate !== undefined) return swOnly(gate);
    try {
      const response = handler.run(this, cmd, challenge);
      this.tx.commit();
      return response;
    } catch (error) {
      this.tx.rollback();
      if (error instanceof CardError) return swOnly(error.sw);
      return swOnly(SW.NO_PRECISE_DIAGNOSIS);
    }
  }

  /** Lifecycle gates (spec §5.2 [P]): blocked card, permanently or temporarily blocked application. */
  private gate(handler: CommandHandler, cmd: Command): number | undefined {
    if (this.lifecycle === "blocked") {
      const selectMf =
        cmd.ins === 0xa4 && cmd.p1 === 0x00 && cmd.data.length === 2 && cmd.data[0] === 0x3f && cmd.data[1] === 0x00;
      if (!(handler.onBlockedCard || selectMf) || (cmd.ins === 0xa4 && !selectMf)) return SW.FUNCTION_NOT_SUPPORTED;
      return undefined;
    }
    if (cmd.ins === 0xa4) return undefined;
    if (this.currentDf.state === "blocked-permanent") return SW.PERMANENTLY_BLOCKED;
    if (this.currentDf.state === "blocked" && !handler.inBlockedApp) return SW.CONDITIONS_NOT_SATISFIED;
    return undefined;
  }

  // ---- helpers for command handlers ---------------------------------------------------------

  /** Changes the current DF; leaving a DF forgets its security state (spec §5.3 rule 3). */
  enterDf(df: DfNode): void {
    if (df !== this.currentDf) {
      this.security.clear();
      this.currentDf = df;
    }
    this.currentEf = undefined;
    this.recordPointer = 0;
  }

  selectEf(ef: EfNode): void {
    this.enterDf(ef.parent);
    this.currentEf = ef;
  }

  requireEf(): EfNode {
    return this.currentEf ?? refuse(SW.NO_CURRENT_EF);
  }

  /** An EF of the current DF by short identifier (1..30); 0 means the current EF. */
  efBySfi(sfi: number): EfNode {
    if (sfi === 0) return this.requireEf();
    const ef = this.currentDf.children.find((c): c is EfNode => c.kind === "ef" && c.layout.sfi === sfi);
    if (!ef) refuse(SW.FILE_NOT_FOUND);
    this.selectEf(ef);
    return ef;
  }

  satisfied(condition: Condition): boolean {
    if (condition === "always") return true;
    if (condition === "never") return false;
    return condition.some((c) => this.security.has(c));
  }

  check(condition: Condition): void {
    if (!this.satisfied(condition)) refuse(SW.SECURITY_STATUS);
  }

  df(path: string): DfNode {
    const node = findByPath(this.root, path);
    if (node?.kind !== "df") throw new Error(`no DF ${path} in this card layout`);
    return node;
  }

  /** Key reference resolution (spec §4.2 [P]): b8 = 1 → current DF's key file, b8 = 0 → global one. */
  keyByRef(ref: number, kinds: readonly KeyKind[]): { df: DfNode; key: KeyState } {
    const df = ref & 0x80 ? this.currentDf : this.df(this.globalKeyDfPath);
    const key = df.keys.get(ref & 0x7f);
    if (!key || !kinds.includes(key.slot.kind) || !key.value) refuse(SW.REFERENCE_NOT_FOUND);
    return { df, key };
  }

  /** The loaded key of a kind in a DF (STK, transport, lock), or 6A88. */
  keyOfKind(df: DfNode, kind: KeyKind): KeyState {
    for (const key of df.keys.values()) if (key.slot.kind === kind && key.value) return key;
    return refuse(SW.REFERENCE_NOT_FOUND);
  }

  grant(df: DfNode, key: KeyState): void {
    this.security.add(keyCredential(df.path, key.slot.id));
  }

  setChallenge(challenge: Uint8Array): void {
    this.challenge = challenge;
  }

  randomBytes(length: number): Uint8Array {
    return this.random(length);
  }

  /**
   * Verifies and opens secure messaging (spec §4.5): data = [ciphertext ‖] MAC4 under the session
   * key of `key` and the pending challenge. Order of checks: MAC present (6987), challenge (6984),
   * MAC (6988), then padding (6A80). Returns the plain command data.
   */
  openSm(cmd: Command, challenge: Uint8Array | undefined, key: KeyState, encrypted: boolean): Uint8Array {
    if (cmd.data.length < 4 || (encrypted && cmd.data.length < 20)) refuse(SW.SM_MISSING);
    if (cmd.extended) refuse(SW.WRONG_LENGTH);
    if (challenge?.length !== 8) refuse(SW.REFERENCE_INVALIDATED);
    const body = cmd.data.subarray(0, cmd.data.length - 4);
    const mac = cmd.data.subarray(cmd.data.length - 4);
    const sk = this.crypto.sessionKey(key.value!, challenge);
    const header = macHeader(cmd);
    const message = new Uint8Array(header.length + body.length);
    message.set(header);
    message.set(body, header.length);
    const expected = this.crypto.mac(sk, message);
    if (!equal(expected.subarray(0, 4), mac)) refuse(SW.SM_INCORRECT);
    if (!encrypted) return body.slice();
    try {
      return this.crypto.decryptFromSm(sk, body);
    } catch {
      return refuse(SW.WRONG_DATA);
    }
  }

  /**
   * Answers data: with Le, directly (6Cxx when Le is shorter); without Le, the T=0 way: 61xx and
   * the data waits for GET RESPONSE.
   */
  reply(cmd: Command, data: Uint8Array): Uint8Array {
    if (data.length === 0) return ok();
    if (cmd.le === undefined) {
      this.pending = data;
      return swOnly(swMoreData(Math.min(data.length, 256)));
    }
    if (cmd.le < data.length && cmd.le !== 256) return swOnly(swWrongLe(data.length));
    return ok(data);
  }

  /** Lists the card's state for dumps and tests (no secrets). */
  describe(): { lifecycle: CardLifecycle; currentDf: string; currentEf: string | undefined; security: string[] } {
    return {
      lifecycle: this.lifecycle,
      currentDf: this.currentDf.path,
      currentEf: this.currentEf?.path,
      security: [...this.security],
    };
  }
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
