// The vendor APDU flows of spec §6 as the deployed DLL (C1) sends them, one iR_ function per file:
// each function walks DDF1 → DF → EF from the top and authenticates for itself. Replayed with
// the bare `smartcard` binding, as the benchmark's baseline. Bytes are built by hand on purpose:
// this is the reference flow, not our pipeline.

export type RawTransmit = (apdu: Buffer) => Promise<Buffer>;

const hex = (...parts: (string | Uint8Array)[]) =>
  Buffer.from(
    parts.map((p) => (typeof p === "string" ? p.replace(/\s/g, "") : Buffer.from(p).toString("hex"))).join(""),
    "hex",
  );
const P = "1122334455667788";

export class VendorTerminal {
  /** APDUs sent to card and SAM. */
  count = 0;
  private cityF: Buffer | undefined;

  constructor(
    private readonly card: RawTransmit,
    private readonly sam: RawTransmit,
    private readonly cardF: Uint8Array,
  ) {}

  private async send(to: RawTransmit, apdu: Buffer): Promise<{ data: Buffer; sw: number }> {
    this.count++;
    const r = await to(apdu);
    return { data: r.subarray(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! };
  }

  private async c(apdu: Buffer): Promise<Buffer> {
    const { data, sw } = await this.send(this.card, apdu);
    if (sw !== 0x9000) throw new Error(`card ${apdu.toString("hex")} → ${sw.toString(16)}`);
    return data;
  }

  private async s(apdu: Buffer): Promise<Buffer> {
    const { data, sw } = await this.send(this.sam, apdu);
    if (sw !== 0x9000 && sw >> 8 !== 0x61) throw new Error(`SAM ${apdu.toString("hex")} → ${sw.toString(16)}`);
    return data;
  }

  private async select(...fids: string[]): Promise<void> {
    for (const fid of fids) await this.c(hex("00A4000002", fid));
  }

  /** §6.1 PowerOn: C1 loads cityF from element 57 (free read by tag). */
  async powerOn(): Promise<void> {
    await this.select("DDF1", "EF05");
    const record = await this.c(hex("00B2390005"));
    this.cityF = Buffer.from(`${record.subarray(2).toString("hex").slice(0, 2)}000000`, "ascii");
  }

  /** §6.3 steps 2–5 with a read key (2-level): GET CHALLENGE, SAM derive + cipher + GET RESPONSE, EXTERNAL AUTH. */
  private async authRead(index: string, ref: string): Promise<void> {
    const r = await this.c(hex("0084000008"));
    await this.s(hex("80DE47", index, "18", this.cardF, this.cityF!, r));
    await this.s(hex("80FA000010", P, "0000000000000000"));
    const x = await this.s(hex("00C0000010"));
    const fold = Buffer.from(x.subarray(0, 8).map((b, i) => b ^ x[8 + i]!));
    await this.c(hex("008200", ref, "11", fold, P, "01"));
  }

  /** iR_DDF1EF05Info: §6.2, ten reads by tag. */
  async readEf05(): Promise<void> {
    await this.select("DDF1", "EF05");
    for (const tl of ["0103", "0206", "0320", "040D", "05B6", "0606", "0814", "0905", "0A0C", "3905"]) {
      await this.c(hex("00B2", tl.slice(0, 2), "00", tl.slice(2)));
    }
  }

  /** iR_ of a TLV file: select from DDF1, authenticate, read records 1..n (§6.3). */
  async readTlv(path: string[], records: number, key: { index: string; ref: string }): Promise<void> {
    await this.select(...path);
    await this.authRead(key.index, key.ref);
    for (let n = 1; n <= records; n++) await this.c(hex("00B2", n.toString(16).padStart(2, "0"), "0400"));
  }

  /** iR_ of a cyclic file: like readTlv, reading until the card has no more records. */
  async readCyclic(ef: string, max: number): Promise<void> {
    await this.select("DDF1", "DF02", ef);
    await this.authRead("33", "84");
    for (let n = 1; n <= max; n++) {
      const { sw } = await this.send(this.card, hex("00B2", n.toString(16).padStart(2, "0"), "0400"));
      if (sw !== 0x9000) break;
    }
  }

  /** §6.5 photo: length first, then 0x80 blocks over 0..N+1. */
  async readPhoto(): Promise<void> {
    await this.select("DDF1", "EF07");
    await this.authRead("31", "04");
    const prefix = await this.c(hex("00B0000002"));
    const end = ((prefix[0]! << 8) | prefix[1]!) + 2;
    for (let offset = 0; offset < end; offset += 0x80) {
      const le = Math.min(0x80, end - offset);
      await this.c(hex("00B0", offset.toString(16).padStart(4, "0"), le.toString(16).padStart(2, "0")));
    }
  }

  /** §6.7 for one kind: index (own selection and authentication), then each valid record in 0x80 blocks. */
  async readVisits(index: string, prefix: string, slots: number, size: number): Promise<void> {
    await this.select("DDF1", "DF03", index);
    await this.authRead("34", "84");
    const valid: number[] = [];
    for (let n = 1; n <= slots; n++) {
      if ((await this.c(hex("00B2", `0${n}`, "0400")))[0] === 0x00) valid.push(n);
    }
    for (const n of valid) {
      await this.select(`${prefix}0${n}`);
      for (let offset = 0; offset < size; offset += 0x80) {
        const le = Math.min(0x80, size - offset);
        await this.c(hex("00B0", offset.toString(16).padStart(4, "0"), le.toString(16).padStart(2, "0")));
      }
    }
  }
}

const KEYS = {
  DDF1: { index: "31", ref: "04" },
  DF01: { index: "32", ref: "84" },
  DF02: { index: "33", ref: "84" },
} as const;

/** Identity: PowerOn + iR_DDF1EF05Info + iR_DDF1EF06Info + iR_DDF1EF08Info. */
export async function vendorIdentity(t: VendorTerminal): Promise<void> {
  await t.powerOn();
  await t.readEf05();
  await t.readTlv(["DDF1", "EF06"], 5, KEYS.DDF1);
  await t.readTlv(["DDF1", "EF08"], 6, KEYS.DDF1);
}

/** Full read: identity, photo, DF01 EF05–EF08, DF02 EF05–EF08. */
export async function vendorFullRead(t: VendorTerminal): Promise<void> {
  await vendorIdentity(t);
  await t.readPhoto();
  for (const [ef, n] of [
    ["EF05", 4],
    ["EF06", 9],
    ["EF07", 3],
    ["EF08", 4],
  ] as const) {
    await t.readTlv(["DDF1", "DF01", ef], n, KEYS.DF01);
  }
  await t.readTlv(["DDF1", "DF02", "EF05"], 15, KEYS.DF02);
  await t.readTlv(["DDF1", "DF02", "EF06"], 1, KEYS.DF02);
  await t.readCyclic("EF07", 3);
  await t.readCyclic("EF08", 10);
}

/** Visit history: PowerOn, then inpatient and outpatient (index + valid records each). */
export async function vendorVisitHistory(t: VendorTerminal): Promise<void> {
  await t.powerOn();
  await t.readVisits("EF05", "EE", 3, 1893);
  await t.readVisits("EF06", "ED", 5, 3267);
}
