import { sm3 } from "@rhc/crypto";
import { type ErrorCode, RhcError, toRhcError } from "@rhc/errors";
import { swHex } from "../apdu/response.js";
import type { AnyFieldValue } from "../codec/field.js";
import { decodeLayout } from "../codec/layout.js";
import { elementByNumber } from "../health-card/elements.js";
import { type CardMode, HealthCardSession, type VisitKind } from "../health-card/session.js";
import { ED_LAYOUT, EE_LAYOUT, type VisitLayout } from "../health-card/visit-records.js";
import { connectCard } from "../readers/access.js";
import { SamSession } from "../sam/sam-session.js";
import type { CardConnection, CardTransport } from "../transport/types.js";
import { toHex } from "../util/hex.js";
import { type CompatStep, IRV, irvCode, WS_ERR, wsCode } from "./error-codes.js";
import { ITEM_RANGES, TLV_FUNCTIONS, type TlvFunction, type TlvParams } from "./parameters.js";
import { SharedSams } from "./shared-sams.js";
import { fromCompatString, parseStyle, renderStyle, toCompatString } from "./strings.js";

/** A "device" of the DLL world: the user-card reader and the SAM reader behind one port. */
export interface CompatDevice {
  readonly userReader: string;
  readonly samReader: string;
}

export interface HealthCardApiOptions {
  readonly transport: CardTransport;
  /** Port number (OpenDevice argument) → readers. */
  readonly ports: Readonly<Record<number, CompatDevice>>;
  readonly mode?: CardMode;
  readonly timeoutMs?: number;
}

/** Every call returns the DLL's integer code (0 = OK) plus its outputs. */
export type CompatResult<T extends object = object> = { readonly code: number } & Partial<T>;

/** Slot numbers of PowerOn/SendAPDU: user card 0x01, SAM 0x11 (C1) or 3 (another vendor). */
export const SLOT_USER = 0x01;
export const SLOT_SAM = 0x11;
const SAM_SLOTS: ReadonlySet<number> = new Set([SLOT_SAM, 0x03]);

interface DeviceState {
  readonly device: CompatDevice;
  /** `seen`: the reader's `cardMoves` when `session` last knew the card's state; older means stale. */
  user?: { connection: CardConnection; session: HealthCardSession; seen: number };
  /** The SAM session this handle shares with every other handle that powered the same SAM. */
  sam?: SamSession;
  last?: { code: ErrorCode; sw?: string; detail?: string };
}

const VISIT: Readonly<Record<VisitKind, VisitLayout>> = { inpatient: EE_LAYOUT, outpatient: ED_LAYOUT };
/** For operations without outputs. */
const done = async (work: Promise<void>): Promise<object> => {
  await work;
  return {};
};
const dataFields = (layout: VisitLayout) => layout.fields.filter((f) => f.offset < layout.signedLength);

/**
 * The compatibility facade of spec §8: the vendor DLL function set with its names and error codes
 * (C1 `IRV_*` for iR_/iW_, C5 `WS_ERR_*` for device and algorithm functions), so an integrator ports
 * DLL calls one to one. Outputs come back as properties named like the DLL's parameters. The last
 * error (code, SW) of a handle is kept for `lastError`.
 */
export class HealthCardApi {
  private readonly handles = new Map<number, DeviceState>();
  private nextHandle = 1;
  private readonly sams: SharedSams;
  /**
   * Per user-card reader, how many calls of any handle sent APDUs to its card. A session knows the
   * card's state — records it read, the file selected, the access it gained — and any other handle's
   * APDUs can change that (a write, a SELECT that drops the security state). A handle whose session
   * missed such a call starts a fresh one instead of answering from a stale cache or writing with an
   * access right the card no longer grants.
   */
  private readonly cardMoves = new Map<string, number>();

  constructor(private readonly options: HealthCardApiOptions) {
    this.sams = new SharedSams(async (reader) =>
      SamSession.open(await connectCard(options.transport, reader), this.timeout()),
    );
  }

  // ---- 6.1 device management ------------------------------------------------------------------

  /** Returns a handle > 0, or 0 when the port is not configured (ERROR_OPEN_FAILED). */
  async OpenDevice(port: number): Promise<number> {
    const device = this.options.ports[port];
    if (!device) return 0;
    const handle = this.nextHandle++;
    this.handles.set(handle, { device });
    return handle;
  }

  async CloseDevice(h: number): Promise<number> {
    const state = this.handles.get(h);
    if (!state) return WS_ERR.NOT_INITIALISED;
    this.handles.delete(h);
    await this.releaseUser(state);
    if (state.sam) await this.sams.release(state.device.samReader, h);
    return WS_ERR.OK;
  }

  /**
   * Drops the handle's user-card connection. A reset makes the card forget its security state, so
   * it is only done when no other handle has the card powered (it would break that handle's session).
   */
  private async releaseUser(state: DeviceState): Promise<void> {
    const connection = state.user?.connection;
    if (!connection) return;
    state.user = undefined;
    const shared = [...this.handles.values()].some((s) => s.user && s.device.userReader === state.device.userReader);
    await connection.disconnect(shared ? "leave" : "reset").catch(() => undefined);
  }

  /** C1 legacy: opens the lowest configured port; 0 = OK. */
  async iDOpenPort(): Promise<CompatResult<{ handle: number }>> {
    const port = Math.min(...Object.keys(this.options.ports).map(Number));
    const handle = Number.isFinite(port) ? await this.OpenDevice(port) : 0;
    return handle ? { code: 0, handle } : { code: WS_ERR.INVALID_PORT };
  }

  async iDClosePort(h: number): Promise<number> {
    return this.CloseDevice(h);
  }

  /** Last error of a handle: stable code, status word and detail (never secrets). */
  lastError(h: number): DeviceState["last"] {
    return this.handles.get(h)?.last;
  }

  private record(state: DeviceState, error: RhcError): void {
    state.last = {
      code: error.code,
      ...(error.sw !== undefined ? { sw: swHex(error.sw) } : {}),
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
    };
  }

  /** PowerOn(h, slot) → ATR as hex. Powering the user card starts a session (with the SAM if powered). */
  async PowerOn(h: number, slot: number): Promise<CompatResult<{ ATR: string }>> {
    const state = this.handles.get(h);
    if (!state) return { code: WS_ERR.NOT_INITIALISED };
    const sam = SAM_SLOTS.has(slot);
    if (!sam && slot !== SLOT_USER) return { code: WS_ERR.INVALID_SLOT };
    try {
      if (sam) {
        state.sam = undefined; // stays unset if this power-on fails
        state.sam = await this.sams.acquire(state.device.samReader, h);
        // A user-card session started before keeps working with this (possibly new) SAM session.
        if (state.user) state.user.session = this.session(state, state.user.connection);
        return { code: WS_ERR.OK, ATR: toHex(state.sam.channel.connection.atr) };
      }
      await this.releaseUser(state);
      const connection = await connectCard(this.options.transport, state.device.userReader);
      const seen = this.cardMoves.get(state.device.userReader) ?? 0;
      state.user = { connection, session: this.session(state, connection), seen };
      return { code: WS_ERR.OK, ATR: toHex(connection.atr) };
    } catch (thrown) {
      const error = toRhcError(thrown, "INTERNAL");
      this.record(state, error);
      return { code: sam ? WS_ERR.SAM_RESET : wsCode(error) };
    }
  }

  private timeout() {
    return this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {};
  }

  private session(state: DeviceState, connection: CardConnection): HealthCardSession {
    return HealthCardSession.open(connection, {
      ...(state.sam ? { sam: state.sam } : {}),
      ...(this.options.mode ? { mode: this.options.mode } : {}),
      ...this.timeout(),
    });
  }

  /** SendAPDU(h, slot, cmd) → response data ‖ SW in `resp`, `respLen` = data length without SW (C1). */
  async SendAPDU(
    h: number,
    slot: number,
    command: Uint8Array,
  ): Promise<CompatResult<{ resp: Uint8Array; respLen: number }>> {
    const state = this.handles.get(h);
    if (!state) return { code: WS_ERR.NOT_INITIALISED };
    const sam = SAM_SLOTS.has(slot);
    if (!sam && slot !== SLOT_USER) return { code: WS_ERR.INVALID_SLOT };
    if (command.length < 4 || command.length > 261) return { code: WS_ERR.INVALID_APDU_LENGTH };
    const connection = sam ? state.sam?.channel.connection : state.user?.connection;
    if (!connection) return { code: sam ? WS_ERR.SAM_NOT_RESPONDING : WS_ERR.NO_CARD };
    try {
      const resp = await connection.transmit(command);
      // Raw APDUs move the card behind every session's back (this one's and the other handles').
      if (!sam && state.user) {
        state.user.session = this.session(state, connection);
        state.user.seen = this.moved(state.device.userReader);
      }
      return { code: WS_ERR.OK, resp, respLen: Math.max(0, resp.length - 2) };
    } catch (thrown) {
      const error = toRhcError(thrown, "INTERNAL");
      this.record(state, error);
      return { code: wsCode(error, sam) };
    }
  }

  // ---- 6.2 user card read/write ---------------------------------------------------------------

  private async irv<T extends object>(
    h: number,
    step: CompatStep,
    work: (session: HealthCardSession, state: DeviceState) => Promise<T>,
  ): Promise<CompatResult<T>> {
    const state = this.handles.get(h);
    if (!state) return { code: IRV.PARAMETER } as CompatResult<T>;
    const user = state.user;
    if (!user) return { code: IRV.CARD_RESPONSE } as CompatResult<T>;
    const reader = state.device.userReader;
    if (user.seen !== (this.cardMoves.get(reader) ?? 0)) {
      user.session = this.session(state, user.connection);
      user.seen = this.cardMoves.get(reader) ?? 0;
    }
    const apdus = user.session.apduCount;
    try {
      return { code: IRV.OK, ...(await work(user.session, state)) };
    } catch (thrown) {
      const error = toRhcError(thrown, "INTERNAL");
      this.record(state, error);
      return { code: irvCode(error, step) } as CompatResult<T>;
    } finally {
      // Also when it failed half way. This session knows what it did to the card; the others do not.
      if (user.session.apduCount !== apdus) user.seen = this.moved(reader);
    }
  }

  private moved(reader: string): number {
    const count = (this.cardMoves.get(reader) ?? 0) + 1;
    this.cardMoves.set(reader, count);
    return count;
  }

  private readTlv<F extends TlvFunction>(h: number, fn: F): Promise<CompatResult<Record<TlvParams<F>, string>>> {
    const { file, params } = TLV_FUNCTIONS[fn];
    return this.irv(h, "read-record", async (session) => {
      const values = (await session.readFile(file)) as Record<string, AnyFieldValue>;
      const out: Record<string, string> = {};
      for (const [param, no] of Object.entries(params)) {
        const element = elementByNumber(no)!;
        out[param] = toCompatString(element, values[element.key]);
      }
      return out as Record<TlvParams<F>, string>;
    });
  }

  private writeTlv<F extends TlvFunction>(
    h: number,
    fn: F,
    input: Partial<Record<TlvParams<F>, string>>,
  ): Promise<CompatResult> {
    const { file, params } = TLV_FUNCTIONS[fn];
    return this.irv(h, "write-record", async (session) => {
      const values: Record<string, AnyFieldValue> = {};
      for (const [param, text] of Object.entries(input as Record<string, string | undefined>)) {
        const no = (params as Record<string, number>)[param];
        if (no === undefined) throw new RhcError("INVALID_INPUT", { detail: `${fn} has no parameter ${param}` });
        const element = elementByNumber(no)!;
        const value = fromCompatString(element, text ?? "");
        if (value !== undefined) values[element.key] = value;
      }
      await session.writeFile(file, values as never);
      return {};
    });
  }

  iR_DDF1EF05Info(h: number) {
    return this.readTlv(h, "DDF1EF05");
  }
  iW_DDF1EF05Info(h: number, input: Partial<Record<TlvParams<"DDF1EF05">, string>>) {
    return this.writeTlv(h, "DDF1EF05", input);
  }
  iR_DDF1EF06Info(h: number) {
    return this.readTlv(h, "DDF1EF06");
  }
  iW_DDF1EF06Info(h: number, input: Partial<Record<TlvParams<"DDF1EF06">, string>>) {
    return this.writeTlv(h, "DDF1EF06", input);
  }
  iR_DDF1EF08Info(h: number) {
    return this.readTlv(h, "DDF1EF08");
  }
  iW_DDF1EF08Info(h: number, input: Partial<Record<TlvParams<"DDF1EF08">, string>>) {
    return this.writeTlv(h, "DDF1EF08", input);
  }
  iR_DF01EF05Info(h: number) {
    return this.readTlv(h, "DF01EF05");
  }
  iW_DF01EF05Info(h: number, input: Partial<Record<TlvParams<"DF01EF05">, string>>) {
    return this.writeTlv(h, "DF01EF05", input);
  }
  iR_DF01EF06Info(h: number) {
    return this.readTlv(h, "DF01EF06");
  }
  iW_DF01EF06Info(h: number, input: Partial<Record<TlvParams<"DF01EF06">, string>>) {
    return this.writeTlv(h, "DF01EF06", input);
  }
  iR_DF01EF07Info(h: number) {
    return this.readTlv(h, "DF01EF07");
  }
  iW_DF01EF07Info(h: number, input: Partial<Record<TlvParams<"DF01EF07">, string>>) {
    return this.writeTlv(h, "DF01EF07", input);
  }
  iR_DF01EF08Info(h: number) {
    return this.readTlv(h, "DF01EF08");
  }
  iW_DF01EF08Info(h: number, input: Partial<Record<TlvParams<"DF01EF08">, string>>) {
    return this.writeTlv(h, "DF01EF08", input);
  }
  iR_DF02EF05Info(h: number) {
    return this.readTlv(h, "DF02EF05");
  }
  iW_DF02EF05Info(h: number, input: Partial<Record<TlvParams<"DF02EF05">, string>>) {
    return this.writeTlv(h, "DF02EF05", input);
  }
  iR_DF02EF06Info(h: number) {
    return this.readTlv(h, "DF02EF06");
  }
  iW_DF02EF06Info(h: number, input: Partial<Record<TlvParams<"DF02EF06">, string>>) {
    return this.writeTlv(h, "DF02EF06", input);
  }

  /** Photo including its 2-byte length prefix (C1). */
  iR_DDF1EF07Info(h: number): Promise<CompatResult<{ ZHAOPIAN: Uint8Array }>> {
    return this.irv(h, "read-binary", async (session) => {
      const jpeg = await session.readPhoto();
      const out = new Uint8Array((jpeg?.length ?? 0) + 2);
      out[0] = (jpeg?.length ?? 0) >> 8;
      out[1] = (jpeg?.length ?? 0) & 0xff;
      if (jpeg) out.set(jpeg, 2);
      return { ZHAOPIAN: out };
    });
  }

  /** Accepts the photo with or without its 2-byte length prefix. */
  async iW_DDF1EF07Info(h: number, photo: Uint8Array): Promise<CompatResult> {
    const prefixed = photo.length >= 2 && ((photo[0]! << 8) | photo[1]!) === photo.length - 2;
    if ((prefixed ? photo.length - 2 : photo.length) > 3072) return { code: WS_ERR.PHOTO_TOO_LARGE };
    return this.irv(h, "write-binary", async (session) => {
      await session.writePhoto(prefixed ? photo.subarray(2) : photo);
      return {};
    });
  }

  /** Allergy record recNo (1 = newest). */
  iR_DF02EF07Info(h: number, recNo: number): Promise<CompatResult<{ GMWZMC: string; GMFY: string }>> {
    return this.irv(h, "read-record", async (session) => {
      const all = await session.readAllergies();
      const one = all[recNo - 1];
      if (!Number.isInteger(recNo) || recNo < 1 || recNo > 3)
        throw new RhcError("INVALID_INPUT", { detail: "recNo 1..3" });
      return { GMWZMC: one?.substance ?? "", GMFY: one?.reaction ?? "" };
    });
  }

  iW_DF02EF07Info(h: number, GMWZMC: string, GMFY: string): Promise<CompatResult> {
    return this.irv(h, "write-record", async (session) => {
      await session.addAllergy({ substance: GMWZMC, reaction: GMFY });
      return {};
    });
  }

  iR_DF02EF08Info(h: number, recNo: number): Promise<CompatResult<{ MYJZMC: string; MYJZSJ: string }>> {
    return this.irv(h, "read-record", async (session) => {
      if (!Number.isInteger(recNo) || recNo < 1 || recNo > 10)
        throw new RhcError("INVALID_INPUT", { detail: "recNo 1..10" });
      const one = (await session.readImmunisations())[recNo - 1];
      return { MYJZMC: one?.vaccine ?? "", MYJZSJ: one?.date ?? "" };
    });
  }

  iW_DF02EF08Info(h: number, MYJZMC: string, MYJZSJ: string): Promise<CompatResult> {
    return this.irv(h, "write-record", async (session) => {
      await session.addImmunisation({ vaccine: MYJZMC, date: MYJZSJ });
      return {};
    });
  }

  private readIndex(
    h: number,
    kind: VisitKind,
    prefix: "ZYJLBS" | "MZJLBS",
  ): Promise<CompatResult<Record<string, string>>> {
    return this.irv(h, "read-record", async (session) => {
      const flags = await session.readVisitIndex(kind);
      return Object.fromEntries(flags.map((valid, i) => [`${prefix}${i + 1}`, valid ? "00" : "FF"]));
    });
  }

  /** Inpatient index flags ZYJLBS1..3: "00" valid, "FF" free. */
  iR_DF03EF05Info(h: number) {
    return this.readIndex(h, "inpatient", "ZYJLBS");
  }
  iR_DF03EF06Info(h: number) {
    return this.readIndex(h, "outpatient", "MZJLBS");
  }
  iW_DF03EF05Info(h: number, recNo: number) {
    return this.irv(h, "write-index", async (s) => done(s.markVisitRecord("inpatient", recNo, true)));
  }
  iW_DF03EF06Info(h: number, recNo: number) {
    return this.irv(h, "write-index", async (s) => done(s.markVisitRecord("outpatient", recNo, true)));
  }
  iErase_DF03EF05Info(h: number, recNo: number) {
    return this.irv(h, "erase-index", async (s) => done(s.eraseVisitRecord("inpatient", recNo)));
  }
  iErase_DF03EF06Info(h: number, recNo: number) {
    return this.irv(h, "erase-index", async (s) => done(s.eraseVisitRecord("outpatient", recNo)));
  }

  private async usableSlot(session: HealthCardSession, kind: VisitKind, recNo: number): Promise<void> {
    const flags = await session.readVisitIndex(kind);
    if (flags[recNo - 1] !== true) {
      throw new RhcError("RECORD_NOT_FOUND", {
        detail: `${kind} record ${recNo} is not valid`,
        data: { indexFlag: "FF" },
      });
    }
  }

  private readRange(h: number, kind: VisitKind, recNo: number, nPos: number, nLen: number, nStyle: number) {
    return this.irv(h, "read-binary", async (session) => {
      if (nPos + nLen > VISIT[kind].signedLength)
        throw new RhcError("INVALID_INPUT", { detail: "nPos + nLen too large" });
      await this.usableSlot(session, kind, recNo);
      return { szData: renderStyle(await session.readVisitBytes(kind, recNo, nPos, nLen), nStyle) };
    });
  }

  private writeRange(
    h: number,
    kind: VisitKind,
    recNo: number,
    szData: string,
    nPos: number,
    nLen: number,
    nStyle: number,
  ) {
    return this.irv(h, "write-binary", async (session) => {
      await session.writeVisitBytes(kind, recNo, nPos, parseStyle(szData, nStyle, nLen));
      return {};
    });
  }

  iR_DF03EEInfo(h: number, recNo: number, nPos: number, nLen: number, nStyle: number) {
    return this.readRange(h, "inpatient", recNo, nPos, nLen, nStyle);
  }
  iW_DF03EEInfo(h: number, recNo: number, szData: string, nPos: number, nLen: number, nStyle: number) {
    return this.writeRange(h, "inpatient", recNo, szData, nPos, nLen, nStyle);
  }
  iR_DF03EDInfo(h: number, recNo: number, nPos: number, nLen: number, nStyle: number) {
    return this.readRange(h, "outpatient", recNo, nPos, nLen, nStyle);
  }
  iW_DF03EDInfo(h: number, recNo: number, szData: string, nPos: number, nLen: number, nStyle: number) {
    return this.writeRange(h, "outpatient", recNo, szData, nPos, nLen, nStyle);
  }

  private readAll(h: number, kind: VisitKind, recNo: number) {
    return this.irv(h, "read-binary", async (session) => {
      await this.usableSlot(session, kind, recNo);
      const { record } = await session.readVisitRecord(kind, recNo, { verify: false });
      const values = record as Record<string, AnyFieldValue>;
      return {
        szData: dataFields(VISIT[kind])
          .map((f) => toCompatString(f, values[f.key]))
          .join("|"),
      };
    });
  }

  /** All data fields of the record joined with "|"; the record is signed and its flag set (§6.8–6.9). */
  private writeAll(h: number, kind: VisitKind, recNo: number, szData: string) {
    return this.irv(h, "write-binary", async (session) => {
      const fields = dataFields(VISIT[kind]);
      const parts = szData.split("|");
      if (parts.length !== fields.length) {
        throw new RhcError("INVALID_INPUT", { detail: `${parts.length} fields, expected ${fields.length}` });
      }
      const values: Record<string, AnyFieldValue> = {};
      fields.forEach((f, i) => {
        values[f.key] = fromCompatString(f, parts[i]!);
      });
      await session.writeVisitRecord(kind, values, { slot: recNo });
      return {};
    });
  }

  iR_DF03EE_ALLInfo(h: number, recNo: number) {
    return this.readAll(h, "inpatient", recNo);
  }
  iW_DF03EE_ALLInfo(h: number, recNo: number, szData: string) {
    return this.writeAll(h, "inpatient", recNo, szData);
  }
  iR_DF03ED_ALLInfo(h: number, recNo: number) {
    return this.readAll(h, "outpatient", recNo);
  }
  iW_DF03ED_ALLInfo(h: number, recNo: number, szData: string) {
    return this.writeAll(h, "outpatient", recNo, szData);
  }

  /** Data item by id (spec §8.2 numbering), as the DLL string. recordNo selects allergy/immunisation/visit records. */
  wsc_GetCardInfo(h: number, itemId: number, recordNo = 1): Promise<CompatResult<{ value: string }>> {
    return this.irv(h, "read-record", async (session) => {
      const r = ITEM_RANGES;
      if (itemId >= r.elements.first && itemId <= r.elements.last) {
        const element = elementByNumber(itemId)!;
        const values = (await session.readFile(element.file as never, [element.key as never])) as Record<
          string,
          AnyFieldValue
        >;
        return { value: toCompatString(element, values[element.key]) };
      }
      if (itemId === r.allergy.substance || itemId === r.allergy.reaction) {
        const one = (await session.readAllergies())[recordNo - 1];
        return { value: (itemId === r.allergy.substance ? one?.substance : one?.reaction) ?? "" };
      }
      if (itemId === r.immunisation.vaccine || itemId === r.immunisation.date) {
        const one = (await session.readImmunisations())[recordNo - 1];
        return { value: (itemId === r.immunisation.vaccine ? one?.vaccine : one?.date) ?? "" };
      }
      if (itemId === r.index.inpatient || itemId === r.index.outpatient) {
        const flags = await session.readVisitIndex(itemId === r.index.inpatient ? "inpatient" : "outpatient");
        return { value: flags[recordNo - 1] ? "00" : "FF" };
      }
      const kind: VisitKind | undefined =
        itemId >= r.inpatient.first && itemId <= r.inpatient.last
          ? "inpatient"
          : itemId >= r.outpatient.first && itemId <= r.outpatient.last
            ? "outpatient"
            : undefined;
      if (!kind) throw new RhcError("INVALID_INPUT", { detail: `item id ${itemId} is not 1..384` });
      const field = VISIT[kind].fields[itemId - (kind === "inpatient" ? r.inpatient.first : r.outpatient.first)]!;
      await this.usableSlot(session, kind, recordNo);
      const bytes = await session.readVisitBytes(kind, recordNo, field.offset, field.length);
      const values = decodeLayout({ name: field.key, size: field.length, fields: [{ ...field, offset: 0 }] }, bytes);
      return { value: toCompatString(field, (values as Record<string, AnyFieldValue>)[field.key]) };
    });
  }

  /** Writes one numbered data element (1–57) from its DLL string. */
  wsc_PutCardInfo(h: number, itemId: number, value: string): Promise<CompatResult> {
    return this.irv(h, "write-record", async (session) => {
      const element = itemId >= 1 && itemId <= 57 ? elementByNumber(itemId) : undefined;
      if (!element)
        throw new RhcError("INVALID_INPUT", { detail: `wsc_PutCardInfo supports items 1..57, got ${itemId}` });
      await session.writeFile(element.file as never, { [element.key]: fromCompatString(element, value) } as never);
      return {};
    });
  }

  /** The slot the next inpatient/outpatient record goes to (first free, else oldest); ≤ 0 on error. */
  async iReader_GetLastEEIndex(h: number): Promise<number> {
    const r = await this.irv(h, "read-record", async (s) => ({ slot: await s.nextVisitSlot("inpatient") }));
    return r.code === 0 ? r.slot! : -r.code;
  }

  async iReader_GetLastEDIndex(h: number): Promise<number> {
    const r = await this.irv(h, "read-record", async (s) => ({ slot: await s.nextVisitSlot("outpatient") }));
    return r.code === 0 ? r.slot! : -r.code;
  }

  /** [P] ACTIVATE FILE on DDF1: DDF1 EF05/EF06 become read-only. */
  LockPersonalInfo(h: number): Promise<CompatResult> {
    return this.irv(h, "write-record", async (s) => done(s.lockPersonalData()));
  }

  // ---- 6.3 algorithm services -----------------------------------------------------------------

  private async ws<T extends object>(h: number, work: (sam: SamSession) => Promise<T>): Promise<CompatResult<T>> {
    const state = this.handles.get(h);
    if (!state) return { code: WS_ERR.NOT_INITIALISED } as CompatResult<T>;
    if (!state.sam) return { code: WS_ERR.SAM_NOT_RESPONDING } as CompatResult<T>;
    try {
      return { code: WS_ERR.OK, ...(await work(state.sam)) };
    } catch (thrown) {
      const error = toRhcError(thrown, "INTERNAL");
      this.record(state, error);
      return {
        code: wsCode(error, true),
        ...(error.data?.triesLeft !== undefined ? { retriesLeft: error.data.triesLeft } : {}),
      } as CompatResult<T>;
    }
  }

  /** SM3 digest (host side; the SAM is not involved). */
  async SM3Digest(h: number, data: Uint8Array): Promise<CompatResult<{ hash: Uint8Array; hashLen: number }>> {
    if (!this.handles.has(h)) return { code: WS_ERR.NOT_INITIALISED };
    const hash = sm3(data);
    return { code: WS_ERR.OK, hash, hashLen: hash.length };
  }

  /** SAM PIN; on failure `retriesLeft` says how many tries remain. */
  VerifyPin(h: number, pin: string): Promise<CompatResult<{ retriesLeft: number }>> {
    return this.ws(h, async (sam) => {
      await sam.verifyPin(pin);
      return {};
    });
  }

  iVerifyPIN(h: number, pin: string) {
    return this.VerifyPin(h, pin);
  }

  /** SM2 signature of a 32-byte hash by the SAM ("执行签名前需要VerifyPin"). */
  SM2SignHash(h: number, hash: Uint8Array): Promise<CompatResult<{ sig: Uint8Array; sigLen: number }>> {
    return this.ws(h, async (sam) => {
      const sig = await sam.sm2Sign(hash);
      return { sig, sigLen: sig.length };
    });
  }

  iChange_Pin(h: number, oldPin: string, newPin: string): Promise<CompatResult> {
    return this.ws(h, async (sam) => done(sam.changePin(oldPin, newPin)));
  }

  /** Holder-PIN reload: the optional holder PIN is off in this project (spec §4.7 [P]). */
  async iReload_Pin(_h: number): Promise<CompatResult> {
    return { code: WS_ERR.UNSUPPORTED };
  }

  // ---- 8.4 SAM / terminal information ---------------------------------------------------------

  iReader_SAM_Public(h: number) {
    return this.ws(h, async (sam) => ({ info: toHex(await sam.file("publicInfo")) }));
  }
  iReader_SAM_Terminal(h: number) {
    return this.ws(h, async (sam) => ({ info: await sam.terminalNumber() }));
  }
  iReader_SAM_PublicApp(h: number) {
    return this.ws(h, async (sam) => ({ info: toHex(await sam.file("appInfo")) }));
  }
  iReader_SAM_OrgCertificate(h: number) {
    return this.ws(h, async (sam) => ({ info: toHex(await sam.issuerCertificate()) }));
  }
  iReader_SAM_Certificate(h: number) {
    return this.ws(h, async (sam) => ({ info: toHex(await sam.samCertificate()) }));
  }

  /** Reader serial: PC/SC does not expose one; the reader name is the stable identity here. */
  async IReader_GetDeviceCSN(h: number): Promise<CompatResult<{ info: string }>> {
    const state = this.handles.get(h);
    return state ? { code: WS_ERR.OK, info: state.device.userReader } : { code: WS_ERR.NOT_INITIALISED };
  }
}
