import { HealthCardApi, SLOT_USER } from "@rhc/card-protocol";
import { RhcError } from "@rhc/errors";
import type { HotlistCheck, SyncStore } from "@rhc/sync";
import type { AgentAudit } from "../audit/agent-audit.js";
import type { ClientIdentity } from "../auth/authenticator.js";
import { hasScope, type Scope } from "../auth/scopes.js";
import type { AgentConfig } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { CardReadService } from "./card-read.js";
import type { ClinicianService, WriteAuthority } from "./clinician.js";
import type { DeskCards } from "./desk-cards.js";
import { applyHotlistPolicy, maskCardNo } from "./hotlist-policy.js";
import { toJsonValue } from "./json.js";
import { commitRecordWritten } from "./record-written.js";

export interface CompatAccess {
  scope: Scope;
  /** Writes need a clinician session, as the native write endpoints do. */
  clinician: boolean;
}

/**
 * Functions not offered over HTTP, and why: they would bypass the agent's checks or hand out the
 * SAM's powers (raw APDUs, signing arbitrary hashes, SAM PIN handling, issuance lock-down).
 */
export const COMPAT_REFUSED: Readonly<Record<string, string>> = {
  SendAPDU: "raw APDUs bypass every check; use the typed functions",
  SM2SignHash: "signs arbitrary hashes with the SAM key",
  iChange_Pin: "SAM PIN changes are an operator task",
  iReload_Pin: "PIN reloads are an issuer task",
  LockPersonalInfo: "lock-down belongs to issuance",
};

/** Which scope a DLL function needs (data over code: prefixes of the spec §8 names). */
export function compatAccess(name: string): CompatAccess | undefined {
  if (Object.hasOwn(COMPAT_REFUSED, name)) return undefined;
  if (/^(iW_|iErase_|wsc_PutCardInfo$)/.test(name)) return { scope: "write", clinician: true };
  if (/^(iR_DF02|iR_DF03|wsc_GetCardInfo$)/.test(name)) return { scope: "read-clinical", clinician: false };
  if (
    /^(iR_|iReader_|IReader_|OpenDevice$|CloseDevice$|iDOpenPort$|iDClosePort$|PowerOn$|SM3Digest$|VerifyPin$|iVerifyPIN$)/.test(
      name,
    )
  ) {
    return { scope: "read-basic", clinician: false };
  }
  return undefined;
}

/** JSON arguments → DLL arguments: `{ "hex": "…" }` stands for a byte buffer. */
function decodeArg(value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.hex === "string") {
      if (!/^([0-9a-fA-F]{2})*$/.test(o.hex)) throw new RhcError("INVALID_INPUT", { detail: "hex argument" });
      return new Uint8Array(Buffer.from(o.hex, "hex"));
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decodeArg(v)]));
  }
  return Array.isArray(value) ? value.map(decodeArg) : value;
}

type CompatMethod = (...args: unknown[]) => Promise<unknown> | unknown;

interface WriteTarget extends WriteAuthority {
  cardNo: string;
  /** The hotlist lookup the write was allowed on (its version goes into the event). */
  check: HotlistCheck;
}

interface PoweredCard {
  cardNo: string;
  cardSerial: string | undefined;
  genuine: boolean;
}

/**
 * The vendor-DLL compatibility facade (card-protocol's HealthCardApi) over HTTP, for integrators
 * porting `iR_/iW_` calls. Port 1 is this desk's resident + SAM readers; `VerifyPin(h)` takes no PIN
 * (the agent supplies the configured SAM PIN). The agent's guarantees
 * still hold: powering the user card runs the genuine-card and hotlist checks and records a
 * `card.read` event; writes need a clinician session and a user card powered (and checked) on
 * their handle, are refused for a hotlisted or non-genuine card, and record `record.written`
 * events with the list versions used, plus an audit line.
 */
export class CompatService {
  private api: HealthCardApi | undefined;
  /** The card each handle's user-card PowerOn checked (and recorded a read of). */
  private readonly cardOfHandle = new Map<number, PoweredCard>();

  constructor(
    private readonly cards: DeskCards,
    private readonly cardRead: CardReadService,
    private readonly clinician: ClinicianService,
    private readonly store: SyncStore,
    private readonly bus: EventBus,
    private readonly audit: AgentAudit,
    private readonly config: AgentConfig,
  ) {}

  private instance(): HealthCardApi {
    if (this.api) return this.api;
    const names = this.cards.readers.snapshot().readers;
    const reader = (role: "resident" | "sam") => names.find((r) => r.role === role)?.name;
    const userReader = reader("resident");
    const samReader = reader("sam");
    if (!userReader || !samReader)
      throw new RhcError(samReader ? "NO_READER" : "SAM_MISSING", { detail: "compat port 1" });
    this.api = new HealthCardApi({
      transport: this.cards.transport,
      ports: { 1: { userReader, samReader } },
      mode: this.config.sam.cardMode,
      timeoutMs: this.config.sam.timeoutMs,
    });
    return this.api;
  }

  async call(
    client: ClientIdentity,
    name: string,
    rawArgs: readonly unknown[],
    clinicianHeader: string | undefined,
  ): Promise<unknown> {
    const access = compatAccess(name);
    if (!access) {
      throw new RhcError("NOT_FOUND", {
        detail: COMPAT_REFUSED[name]
          ? `${name} is not offered over HTTP: ${COMPAT_REFUSED[name]}`
          : `unknown function ${name}`,
      });
    }
    if (!hasScope(client.scopes, access.scope)) {
      throw new RhcError("FORBIDDEN", {
        detail: `${name} needs scope "${access.scope}"`,
        data: { needed: access.scope },
      });
    }
    const authority = access.clinician
      ? await this.clinician.requireForWrite(client.clientId, clinicianHeader)
      : undefined;
    const args = rawArgs.map(decodeArg);
    const api = this.instance();
    const method = (api as unknown as Record<string, CompatMethod>)[name];
    if (typeof method !== "function") throw new RhcError("NOT_FOUND", { detail: `unknown function ${name}` });
    const handle = typeof args[0] === "number" ? args[0] : undefined;
    const target = authority ? this.writeTarget(authority, name, handle) : undefined;

    if (name === "PowerOn" && args[1] === SLOT_USER && handle !== undefined) {
      // A refused PowerOn leaves the handle with no card to write to (not the one powered before).
      this.cardOfHandle.delete(handle);
      // The desk's checks and event, on a separate short session, before the DLL session starts.
      const checked = await this.cardRead.read([], "other", client.scopes, {
        kind: "operator",
        id: `client:${client.clientId}`,
      });
      this.cardOfHandle.set(handle, {
        cardNo: checked.cardNo,
        cardSerial: checked.cardSerial ?? undefined,
        genuine: checked.authenticity.genuine,
      });
    }
    let result: unknown;
    if (name === "VerifyPin" || name === "iVerifyPIN") {
      // The HIS never holds the SAM PIN: the agent supplies the configured one.
      if (args.length !== 1)
        throw new RhcError("INVALID_INPUT", { detail: `${name}(h): the agent supplies the SAM PIN` });
      result = await this.cards.lock.run(async () => this.cards.useSamPin((pin) => method.apply(api, [handle, pin])));
    } else {
      result = await this.cards.lock.run(async () => method.apply(api, args));
    }
    const code = typeof result === "number" ? result : (result as { code?: number } | undefined)?.code;
    if (target) this.recordWrite(target, name, code);
    if ((name === "CloseDevice" || name === "iDClosePort") && handle !== undefined) this.cardOfHandle.delete(handle);
    return toJsonValue(typeof result === "object" && result !== null ? result : { code: result });
  }

  /**
   * The card a write on this handle goes to. A write is recorded against the card its handle
   * powered (and checked) at PowerOn: without one there is nothing to record it against, so it is
   * refused rather than done unrecorded. The list may have named the card since PowerOn, so it is
   * checked again, as the native writes do; and like them, a write never goes to a card that failed
   * the genuine-card check (policy "warn" or not).
   */
  private writeTarget(authority: WriteAuthority, name: string, handle: number | undefined): WriteTarget {
    const card = handle !== undefined ? this.cardOfHandle.get(handle) : undefined;
    if (!card) {
      this.audit.record({
        action: "card.write",
        actor: `clinician:${authority.session.clinician.staffId}`,
        outcome: "denied",
        data: { compat: name, code: "NO_CARD" },
      });
      throw new RhcError("NO_CARD", {
        detail: `${name}: power the user card on this handle first (PowerOn(h, 0x01) runs the desk's checks)`,
      });
    }
    const check = this.store.hotlist.checkCard(card.cardNo, card.cardSerial);
    applyHotlistPolicy(check, this.config.policy.hotlist, card.cardNo);
    if (!card.genuine)
      throw new RhcError("CARD_NOT_GENUINE", { detail: `${name}: the card failed the check at PowerOn` });
    return { ...authority, cardNo: card.cardNo, check };
  }

  /** A compat write's `record.written` event and audit line (one transaction), or its failure's audit line. */
  private recordWrite(
    { session, revocationChecked, cardNo, check }: WriteTarget,
    name: string,
    code: number | undefined,
  ): void {
    const staffId = session.clinician.staffId;
    if (code !== 0) {
      this.audit.record({
        action: "card.write",
        actor: `clinician:${staffId}`,
        outcome: "failed",
        subject: maskCardNo(cardNo),
        data: { compat: name, code: code ?? null },
      });
      return;
    }
    commitRecordWritten(this.store, this.audit, {
      session,
      cardNo,
      check,
      recordType: `compat.${name}`,
      auditData: { compat: name, ...(revocationChecked ? {} : { revocationChecked }) },
    });
    this.bus.publish("card.written", {
      reader: this.cards.readers.snapshot().readers.find((r) => r.role === "resident")?.name ?? null,
      cardNoMasked: maskCardNo(cardNo),
      recordType: `compat.${name}`,
      staffId,
    });
  }
}
