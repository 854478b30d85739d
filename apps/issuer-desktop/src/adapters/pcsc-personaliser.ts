import { createHash } from "node:crypto";
import {
  ApduChannel,
  CARD_FACTOR_BYTES_5_TO_12,
  type CardConnection,
  type CardFactors,
  CardNavigator,
  type CardTransport,
  cityFactor,
  concatBytes,
  DFS,
  elementsOf,
  encodePhoto,
  encodeTlvFile,
  fileDef,
  HealthCardSession,
  type KeyName,
  type SamKeyName,
  SamSession,
  STK_OF_DF,
  toHex,
} from "@rhc/card-protocol";
import { decodeIssuerCertificate } from "@rhc/crypto";
import { isRhcError, RhcError, toRhcError } from "@rhc/errors";
import type { IssuerConfig } from "../issuance/config.js";
import type { CardPlan, CardProbe, IssuerCardPort, StepListener } from "../issuance/ports.js";
import { ISSUER_ONLY_SLOTS, isamSlot, keyNumber, keysOf } from "./issuer-keys.js";
import { roleReader } from "./pcsc-readers.js";
import { fmcosStylePersonalisation, type PersonalisationCos, type WriteKeyP1 } from "./personalisation-cos.js";
import { type DataWrite, PERSONALISATION_PLAN } from "./personalisation-plan.js";

/** Progress steps of one personalisation: keys of each DF, each data write, ACTIVATE. */
const STEPS = PERSONALISATION_PLAN.reduce((n, visit) => n + 1 + visit.writes.length, 1);
const VERIFY_FILES = PERSONALISATION_PLAN.flatMap((v) => v.writes)
  .filter((w) => w.kind === "records")
  .map((w) => w.file) as Parameters<HealthCardSession["readFile"]>[0][];
const fid = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
function chipSerialOf(atr: Uint8Array): string | undefined {
  try {
    return toHex(CARD_FACTOR_BYTES_5_TO_12.extract(atr));
  } catch {
    return undefined;
  }
}
/** SWs of APPEND RECORD that mean "already written by an earlier, interrupted attempt". */
const SW_RECORD_PRESENT = new Set([0x6a80, 0x6a84]);
const SW_RECORD_NOT_FOUND = 0x6a83;

/**
 * The terminal side of the [P] personalisation protocol (card-sim README) over PC/SC: blank card
 * in the issuer card reader, ISAM in the issuer SAM reader. Keys reach the card only as WRITE KEY
 * cryptograms made inside the ISAM; data goes in with the card's normal access rules (update-key
 * authentication, SM for DF01/DF02); DF03 indexes are initialised; ACTIVATE locks the card.
 * Read-back uses card-protocol's HealthCardSession, as any desk would read the card.
 */
export class PcscPersonaliser implements IssuerCardPort {
  private sam: { connection: CardConnection; session: SamSession } | undefined;

  constructor(
    private readonly config: IssuerConfig,
    private readonly transport: CardTransport,
    /** [P] The COS's lifecycle and key-reload answers (see personalisation-cos.ts). */
    private readonly cos: PersonalisationCos = fmcosStylePersonalisation,
  ) {}

  private async reader(role: "issuerCard" | "issuerSam"): Promise<string> {
    const name = await roleReader(this.config, this.transport, role);
    if (!name)
      throw new RhcError(role === "issuerSam" ? "ISSUER_SAM_MISSING" : "NO_READER", {
        detail: this.config.readers[role],
      });
    return name;
  }

  /** The ISAM session, opened once and PIN-verified; reopened after any failure. */
  private async isam(): Promise<SamSession> {
    if (this.sam?.connection.connected) return this.sam.session;
    try {
      const connection = await this.transport.connect(await this.reader("issuerSam"), { share: "exclusive" });
      const session = await SamSession.open(connection);
      await session.verifyPin(this.config.samPin);
      this.sam = { connection, session };
      return session;
    } catch (error) {
      this.sam = undefined;
      throw isRhcError(error) ? error : new RhcError("ISSUER_SAM_MISSING", { cause: error });
    }
  }

  /** Releases the ISAM (app shutdown). */
  async close(): Promise<void> {
    const sam = this.sam;
    this.sam = undefined;
    await sam?.connection.disconnect("reset").catch(() => undefined);
  }

  private factors(atr: Uint8Array): CardFactors {
    return { cardF: CARD_FACTOR_BYTES_5_TO_12.extract(atr), cityF: cityFactor(this.config.centre.cityCode) };
  }

  /**
   * What the issuer reader holds. A health card still in its personalisation lifecycle (blank, or
   * written part-way when a previous attempt was cut off) can be (re)personalised; one that was
   * activated (locked) cannot. The lifecycle is asked of the card itself (the [P] COS strategy),
   * not guessed from the data files.
   */
  async probe(): Promise<CardProbe> {
    const reader = await this.reader("issuerCard");
    const status = (await this.transport.listReaders()).find((r) => r.name === reader);
    if (!status?.present) return { kind: "absent" };
    if (status.mute || !status.atr) return { kind: "mute" };
    const connection = await this.transport.connect(reader);
    try {
      const channel = new ApduChannel(connection);
      const atr = toHex(connection.atr);
      // A reset answer without a card factor (a SAM, a staff card) is no health card at all.
      const chipSerial = chipSerialOf(connection.atr);
      if (!chipSerial) return { kind: "unknown", atr };
      for (const f of [DFS.DDF1.fid, 0xef05]) {
        const r = await channel.send({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(f) });
        if (r.sw !== 0x9000) return { kind: "unknown", atr };
      }
      const lifecycle = await this.cos.lifecycle(channel);
      if (lifecycle === "activated") return { kind: "personalised", chipSerial, atr };
      if (lifecycle !== "personalisation") return { kind: "unknown", atr };
      // Still in personalisation: TLV files start empty, so a record in EF05 means an earlier
      // attempt wrote part of the card (it is finished by the next personalisation).
      const first = await channel.send({ cla: 0, ins: 0xb2, p1: 1, p2: 4, le: 256 });
      if (first.sw === 0x6a83) return { kind: "blank", chipSerial, atr };
      if (first.sw === 0x9000 || (first.sw & 0xff00) === 0x6c00) return { kind: "partial", chipSerial, atr };
      return { kind: "unknown", atr };
    } finally {
      await connection.disconnect("leave").catch(() => undefined);
    }
  }

  async personalise(plan: CardPlan, onStep?: StepListener, beforeActivate?: () => void) {
    const sam = await this.isam();
    const connection = await this.transport.connect(await this.reader("issuerCard"), { share: "exclusive" });
    const factors = this.factors(connection.atr);
    const card = new ApduChannel(connection, { sam, factors: () => factors });
    const nav = new CardNavigator(
      card,
      () => sam,
      () => factors,
    );
    const samBefore = sam.channel.apduCount;
    let done = 0;
    const step = (name: string) => onStep?.(name, ++done, STEPS);
    try {
      const certificate = await sam.issuerCertificate();
      // Element 04 must name the issuer the SAM's certificate certifies, or every card this desk
      // makes fails the authenticity check at every terminal: refuse before writing anything.
      const certified = decodeIssuerCertificate(certificate).fields.issuerCode;
      if (plan.elements.issuerCode !== certified) {
        throw new RhcError("CONFIG_INVALID", {
          detail: `centre.issuerCode ${plan.elements.issuerCode} differs from the issuer SAM's certificate (${certified})`,
        });
      }
      const { keyIndex } = await sam.appInfo();
      const values = { ...plan.elements, issuerCertificate: certificate };
      for (const { df, writes } of PERSONALISATION_PLAN) {
        if (df === "MF") await nav.selectMf();
        else await nav.selectDf(df);
        for (const key of keysOf(df)) await this.writeKey(nav, sam, factors, key);
        step(`keys ${df}`);
        for (const write of writes) {
          // A plan without a photo leaves EF07 as the factory made it.
          if (write.kind !== "photo" || plan.photo.length > 0) {
            await nav.selectFile(write.file);
            await nav.authenticate(write.key);
            await this.write(nav, write, values, plan.photo);
          }
          step(write.kind === "photo" ? "photo" : write.file);
        }
      }
      await nav.selectDf("DDF1");
      beforeActivate?.();
      await nav.call({ cla: 0x84, ins: 0x44, p1: 0, p2: 0, sm: { mode: "mac", key: STK_OF_DF.DDF1 } }, "ACTIVATE FILE");
      step("activate");
      return {
        chipSerial: toHex(factors.cardF),
        keyVersion: keyIndex,
        apduCount: card.apduCount + sam.channel.apduCount - samBefore,
      };
    } catch (error) {
      throw toRhcError(error, "TRANSMIT_FAILED");
    } finally {
      await connection.disconnect("leave").catch(() => undefined);
    }
  }

  /** One data write of the plan into the selected, authenticated file. */
  private async write(nav: CardNavigator, write: DataWrite, values: Record<string, unknown>, photo: Uint8Array) {
    const sm = (key: SamKeyName | undefined, mode: "mac" | "enc+mac") => (key ? { sm: { mode, key } } : {});
    switch (write.kind) {
      case "records": {
        const keys = new Set(elementsOf(write.file).map((e) => e.key));
        const own = Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
        const cla = write.sm ? 0x04 : 0x00;
        const records = encodeTlvFile(write.file, own as Parameters<typeof encodeTlvFile>[1]);
        const append = (data: Uint8Array) =>
          nav.call({ cla, ins: 0xe2, p1: 0, p2: 0, data, ...sm(write.sm, "enc+mac") }, `APPEND RECORD ${write.file}`);
        const update = (n: number, data: Uint8Array) =>
          nav.call({ cla, ins: 0xdc, p1: n, p2: 4, data, ...sm(write.sm, "enc+mac") }, `UPDATE RECORD ${write.file}`);
        await this.writeRecords(records, append, update);
        return;
      }
      case "photo":
        await nav.call({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: encodePhoto(photo) }, "UPDATE BINARY photo");
        return;
      case "free-index":
        for (let n = 1; n <= fileDef(write.file).records!; n++) {
          const command = { cla: 0x84, ins: 0x0c, p1: n, p2: 0x04, ...sm(write.sm, "mac") };
          await nav.call(command, `ERASE RECORD ${write.file} #${n}`);
        }
        return;
    }
  }

  /**
   * Appends the records of one TLV file in order. Record n of a TLV file must carry element n, so
   * an APPEND of record 1 is refused (6A80, or 6A84 when full) exactly when an interrupted attempt
   * already wrote records: those are then rewritten in place (UPDATE RECORD) and the rest
   * appended. A fresh card costs no extra APDU.
   */
  private async writeRecords(
    records: readonly Uint8Array[],
    append: (data: Uint8Array) => Promise<unknown>,
    update: (n: number, data: Uint8Array) => Promise<unknown>,
  ): Promise<void> {
    let rewrite = false;
    for (const [i, record] of records.entries()) {
      if (!rewrite) {
        try {
          await append(record);
          continue;
        } catch (error) {
          if (i > 0 || !isRhcError(error) || !SW_RECORD_PRESENT.has(error.sw ?? 0)) throw error;
          rewrite = true;
        }
      }
      try {
        await update(i + 1, record);
      } catch (error) {
        if (!isRhcError(error) || error.sw !== SW_RECORD_NOT_FOUND) throw error;
        rewrite = false;
        await append(record);
      }
    }
  }

  async verify(plan: CardPlan, onStep?: StepListener) {
    const sam = await this.isam();
    const connection = await this.transport.connect(await this.reader("issuerCard"));
    const samBefore = sam.channel.apduCount;
    try {
      const session = HealthCardSession.open(connection, { sam });
      const read: Record<string, unknown> = {};
      const mismatches: string[] = [];
      for (const [i, file] of VERIFY_FILES.entries()) {
        const values = (await session.readFile(file)) as Record<string, unknown>;
        read[file] = values;
        for (const key of Object.keys(values)) {
          if (!(key in plan.elements)) continue;
          if (String(values[key]) !== String(plan.elements[key as keyof CardPlan["elements"]])) mismatches.push(key);
        }
        onStep?.(`verify ${file}`, i + 1, VERIFY_FILES.length + 2);
      }
      const photo = (await session.readPhoto()) ?? new Uint8Array();
      if (toHex(photo) !== toHex(plan.photo)) mismatches.push("photo");
      const index = [...(await session.readVisitIndex("inpatient")), ...(await session.readVisitIndex("outpatient"))];
      if (index.some(Boolean)) mismatches.push("DF03");
      const digest = createHash("sha256")
        .update(JSON.stringify(read, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)))
        .update(photo)
        .digest("hex");
      const { keyIndex } = await sam.appInfo();
      return {
        digest,
        mismatches,
        keyVersion: keyIndex,
        apduCount: session.apduCount + sam.channel.apduCount - samBefore,
      };
    } catch (error) {
      throw toRhcError(error, "TRANSMIT_FAILED");
    } finally {
      await connection.disconnect("leave").catch(() => undefined);
    }
  }

  /** Steps 4–8: card challenge, ISAM transport session, ISAM key wrap, WRITE KEY (reloads per the COS). */
  private writeKey(nav: CardNavigator, sam: SamSession, factors: CardFactors, key: KeyName): Promise<void> {
    return this.cos.writeKey((p1) => this.sendKey(nav, sam, factors, key, p1));
  }

  private async sendKey(nav: CardNavigator, sam: SamSession, factors: CardFactors, key: KeyName, p1: WriteKeyP1) {
    const r = await nav.call({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }, "GET CHALLENGE");
    const transport = ISSUER_ONLY_SLOTS.TRANSPORT;
    await sam.channel.call(
      { cla: 0x80, ins: 0xde, p1: transport.usage, p2: transport.index, data: concatBytes(factors.cardF, r) },
      "ISAM transport session",
    );
    const slot = isamSlot(key);
    const keyFactors = slot.usage >> 5 === 2 ? concatBytes(factors.cardF, factors.cityF!) : factors.cardF;
    const header = Uint8Array.of(0x84, 0xd4, p1, keyNumber(key));
    const wrapped = await sam.channel.call(
      { cla: 0x80, ins: 0xd4, p1: slot.usage, p2: slot.index, data: concatBytes(keyFactors, header), le: 256 },
      `ISAM KEY WRAP ${key}`,
    );
    await nav.call({ cla: 0x84, ins: 0xd4, p1, p2: keyNumber(key), data: wrapped }, `WRITE KEY ${key}`);
  }
}
