import { createHash } from "node:crypto";
import {
  ApduChannel,
  CARD_FACTOR_BYTES_5_TO_12,
  CARD_KEY_REFERENCES,
  type CardConnection,
  type CardFactors,
  type CardTransport,
  cityFactor,
  concatBytes,
  DFS,
  type DfName,
  EXTERNAL_AUTH_TRAILER,
  elementsOf,
  encodePhoto,
  encodeTlvFile,
  type FileId,
  HealthCardSession,
  type KeyName,
  READ_AUTH_P,
  type SamKeyName,
  SamSession,
  toHex,
} from "@rhc/card-protocol";
import { decodeIssuerCertificate } from "@rhc/crypto";
import { isRhcError, RhcError, toRhcError } from "@rhc/errors";
import type { IssuerConfig } from "../issuance/config.js";
import type { CardPlan, CardProbe, IssuerCardPort, StepListener } from "../issuance/ports.js";
import { ISSUER_ONLY_SLOTS, isamSlot, KEY_DF_ORDER, keyNumber, keysOf } from "./issuer-keys.js";
import { findReader } from "./pcsc-readers.js";

/** The TLV files the desk writes, each with the update key to authenticate and its SM. */
const TLV_WRITES: readonly { file: FileId; auth: SamKeyName; sm?: SamKeyName }[] = [
  { file: "DDF1/EF05", auth: "UK1DDF1" },
  { file: "DDF1/EF06", auth: "UK1DDF1" },
  { file: "DDF1/EF08", auth: "UK1DDF1" },
  { file: "DF01/EF05", auth: "UK1DF01", sm: "STKDF01" },
  { file: "DF01/EF06", auth: "UK1DF01", sm: "STKDF01" },
  { file: "DF01/EF07", auth: "UK1DF01", sm: "STKDF01" },
  { file: "DF01/EF08", auth: "UK1DF01", sm: "STKDF01" },
  { file: "DF02/EF05", auth: "UK1DF02", sm: "STKDF02" },
  { file: "DF02/EF06", auth: "UK2DF02", sm: "STKDF02" },
];
const VERIFY_FILES = TLV_WRITES.map((w) => w.file) as Parameters<HealthCardSession["readFile"]>[0][];
const fid = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

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
  ) {}

  private async reader(role: "issuerCard" | "issuerSam"): Promise<string> {
    const names = (await this.transport.listReaders()).map((r) => r.name);
    const name = findReader(names, this.config.readers[role]);
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

  async probe(): Promise<CardProbe> {
    const reader = await this.reader("issuerCard");
    const status = (await this.transport.listReaders()).find((r) => r.name === reader);
    if (!status?.present) return { kind: "absent" };
    if (status.mute || !status.atr) return { kind: "mute" };
    const connection = await this.transport.connect(reader);
    try {
      const channel = new ApduChannel(connection);
      const chipSerial = toHex(CARD_FACTOR_BYTES_5_TO_12.extract(connection.atr));
      const atr = toHex(connection.atr);
      for (const f of [DFS.DDF1.fid, 0xef05]) {
        const r = await channel.send({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(f) });
        if (r.sw !== 0x9000) return { kind: "unknown", atr };
      }
      // TLV files start empty on a blank card: record 1 of EF05 exists only once personalised.
      const first = await channel.send({ cla: 0, ins: 0xb2, p1: 1, p2: 4, le: 256 });
      if (first.sw === 0x6a83) return { kind: "blank", chipSerial, atr };
      if (first.sw === 0x9000 || (first.sw & 0xff00) === 0x6c00) return { kind: "personalised", chipSerial, atr };
      return { kind: "unknown", atr };
    } finally {
      await connection.disconnect("leave").catch(() => undefined);
    }
  }

  async personalise(plan: CardPlan, onStep?: StepListener) {
    const sam = await this.isam();
    const connection = await this.transport.connect(await this.reader("issuerCard"), { share: "exclusive" });
    const factors = this.factors(connection.atr);
    const card = new ApduChannel(connection, { sam, factors: () => factors });
    const samBefore = sam.channel.apduCount;
    const total = KEY_DF_ORDER.length + TLV_WRITES.length + 3;
    let done = 0;
    const step = (name: string) => onStep?.(name, ++done, total);
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
      for (const df of KEY_DF_ORDER) {
        await this.selectDf(card, df);
        for (const key of keysOf(df)) await this.writeKey(card, sam, factors, key);
        step(`keys ${df}`);
      }
      const values = { ...plan.elements, issuerCertificate: certificate };
      let df: DfName | undefined;
      for (const write of TLV_WRITES) {
        const target = write.file.slice(0, 4) as DfName;
        if (target !== df) {
          await this.selectDf(card, target);
          df = target;
        }
        await this.externalAuth(card, sam, factors, write.auth);
        await card.call(
          { cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(Number.parseInt(write.file.slice(-4), 16)) },
          `SELECT ${write.file}`,
        );
        const keys = new Set(elementsOf(write.file).map((e) => e.key));
        const own = Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
        for (const record of encodeTlvFile(write.file, own)) {
          await card.call(
            write.sm
              ? { cla: 0x04, ins: 0xe2, p1: 0, p2: 0, data: record, sm: { mode: "enc+mac", key: write.sm } }
              : { cla: 0, ins: 0xe2, p1: 0, p2: 0, data: record },
            `APPEND RECORD ${write.file}`,
          );
        }
        step(write.file);
      }
      if (plan.photo.length > 0) {
        await this.selectDf(card, "DDF1");
        await this.externalAuth(card, sam, factors, "UK1DDF1");
        await card.call({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(0xef07) }, "SELECT DDF1/EF07");
        await card.call({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: encodePhoto(plan.photo) }, "UPDATE BINARY photo");
      }
      step("photo");
      await this.selectDf(card, "DF03");
      await this.externalAuth(card, sam, factors, "UK2DF03");
      for (const [ef, count] of [
        [0xef05, 3],
        [0xef06, 5],
      ] as const) {
        await card.call({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(ef) }, "SELECT DF03 index");
        for (let n = 1; n <= count; n++) {
          await card.call(
            { cla: 0x84, ins: 0x0c, p1: n, p2: 0x04, sm: { mode: "mac", key: "STKDF03" } },
            "ERASE RECORD index",
          );
        }
      }
      step("DF03");
      await this.selectDf(card, "DDF1");
      await card.call({ cla: 0x84, ins: 0x44, p1: 0, p2: 0, sm: { mode: "mac", key: "STKDDF1" } }, "ACTIVATE FILE");
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

  private async selectDf(card: ApduChannel, df: DfName | "MF"): Promise<void> {
    if (df === "MF") {
      await card.call({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(0x3f00) }, "SELECT MF");
      return;
    }
    await card.call({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(DFS.DDF1.fid) }, "SELECT DDF1");
    if (df !== "DDF1") await card.call({ cla: 0, ins: 0xa4, p1: 0, p2: 0, data: fid(DFS[df].fid) }, `SELECT ${df}`);
  }

  /** Steps 4–8: card challenge, ISAM transport session, ISAM key wrap, WRITE KEY. */
  private async writeKey(card: ApduChannel, sam: SamSession, factors: CardFactors, key: KeyName): Promise<void> {
    const r = await card.call({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }, "GET CHALLENGE");
    const transport = ISSUER_ONLY_SLOTS.TRANSPORT;
    await sam.channel.call(
      { cla: 0x80, ins: 0xde, p1: transport.usage, p2: transport.index, data: concatBytes(factors.cardF, r) },
      "ISAM transport session",
    );
    const slot = isamSlot(key);
    const keyFactors = slot.usage >> 5 === 2 ? concatBytes(factors.cardF, factors.cityF!) : factors.cardF;
    const header = Uint8Array.of(0x84, 0xd4, 0x00, keyNumber(key));
    const wrapped = await sam.channel.call(
      { cla: 0x80, ins: 0xd4, p1: slot.usage, p2: slot.index, data: concatBytes(keyFactors, header), le: 256 },
      `ISAM KEY WRAP ${key}`,
    );
    await card.call({ cla: 0x84, ins: 0xd4, p1: 0, p2: keyNumber(key), data: wrapped }, `WRITE KEY ${key}`);
  }

  /** EXTERNAL AUTHENTICATE with an update key (spec §4.4), through the ISAM. */
  private async externalAuth(card: ApduChannel, sam: SamSession, factors: CardFactors, key: SamKeyName): Promise<void> {
    const r = await card.call({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }, "GET CHALLENGE");
    const cryptogram = await sam.authCryptogram(key, factors, r, READ_AUTH_P);
    const ref = CARD_KEY_REFERENCES[key];
    await card.call(
      {
        cla: 0,
        ins: 0x82,
        p1: 0,
        p2: ref,
        data: concatBytes(cryptogram, READ_AUTH_P, Uint8Array.of(EXTERNAL_AUTH_TRAILER)),
      },
      `EXTERNAL AUTHENTICATE ${key}`,
    );
  }
}
