import { CARD_KEYS, DFS, type DfName, type KeyName, SAM_KEYS, type SamKeyName } from "@rhc/card-protocol";
import { concatBytes, fromHex } from "@rhc/crypto";
import type { ResidentImage } from "../../src/image/schema.js";
import { masterSlot } from "../../src/keys/region.js";
import { keyId } from "../../src/profiles/resident/layout.js";
import { hex, type Terminal } from "./terminal.js";

/**
 * The issuer side of the personalisation protocol [P] (package README): a blank card in the card
 * reader, the ISAM in the SAM reader. Keys travel only as WRITE KEY cryptograms made inside the
 * ISAM (80 DE 29 01 + 80 D4); data is written with the normal access rules; ACTIVATE locks.
 */
const DF_ORDER: readonly (DfName | "MF")[] = ["MF", "DDF1", "DF01", "DF02", "DF03"];

async function selectDf(t: Terminal, df: DfName | "MF"): Promise<void> {
  if (df === "MF") return void (await t.c("00A40000023F00"));
  await t.c("00A4000002DDF1");
  if (df !== "DDF1") await t.c(`00A4000002${DFS[df].fid.toString(16).toUpperCase()}`);
}

/** WRITE KEY for every key of the inventory, wrapped by the ISAM under the transport session. */
export async function loadKeys(t: Terminal): Promise<void> {
  for (const df of DF_ORDER) {
    await selectDf(t, df);
    for (const name of Object.keys(CARD_KEYS) as KeyName[]) {
      if (CARD_KEYS[name].df !== df) continue;
      const r = await t.c("0084000008");
      await t.s(hex("80DE290110", t.cardF, r));
      const slot = masterSlot(name);
      const factors = slot.usage >> 5 === 2 ? concatBytes(t.cardF, t.cityF) : t.cardF;
      const request = concatBytes(factors, Uint8Array.of(0x84, 0xd4, 0x00, keyId(name)));
      await t.s(hex("80D4", slot.usage, slot.index, request.length, request), 0x6124);
      const wrapped = await t.s("00C0000024");
      await t.c(hex("84D400", keyId(name), "24", wrapped));
    }
  }
}

const records = (target: ResidentImage, path: string) => {
  const file = target.cos.files[path];
  if (!file || !("records" in file)) throw new Error(`${path} has no records`);
  return file.records.map((r) => fromHex(r));
};

async function appendAll(t: Terminal, path: string, target: ResidentImage, stk?: SamKeyName): Promise<void> {
  await t.c(`00A4000002${path.slice(-4)}`);
  for (const record of records(target, path)) {
    if (stk) await t.smCommand(0xe2, 0x00, 0x00, record, stk);
    else await t.c(hex("00E20000", record.length, record));
  }
}

async function auth(t: Terminal, key: SamKeyName): Promise<void> {
  const ref = { 42: 0x05 }[SAM_KEYS[key].index] ?? 0x80 | keyId(key);
  await t.authUpdate(key, ref);
}

/** Personalises a blank card with the data of `target` (a makeResidentImage image of the same seed). */
export async function personalise(t: Terminal, atr: Uint8Array, target: ResidentImage): Promise<void> {
  await t.s("00A4000002DF01");
  await t.s("0020000003123456");
  t.cardF = atr.slice(5, 13);
  t.cityF = new Uint8Array(Buffer.from(`${String(target.meta?.region).slice(0, 2)}000000`, "ascii"));
  await loadKeys(t);
  const ddf1 = "3F00/DDF1";
  await selectDf(t, "DDF1");
  await auth(t, "UK1DDF1");
  for (const ef of ["EF05", "EF06", "EF08"]) await appendAll(t, `${ddf1}/${ef}`, target);
  await t.c("00A4000002EF07");
  const photo = target.cos.files[`${ddf1}/EF07`] as { data: string };
  const bytes = fromHex(photo.data);
  await t.updateBinary(0, bytes.subarray(0, ((bytes[0]! << 8) | bytes[1]!) + 2));
  await selectDf(t, "DF01");
  await auth(t, "UK1DF01");
  for (const ef of ["EF05", "EF06", "EF07", "EF08"]) await appendAll(t, `${ddf1}/DF01/${ef}`, target, "STKDF01");
  await selectDf(t, "DF02");
  await auth(t, "UK1DF02");
  await appendAll(t, `${ddf1}/DF02/EF05`, target, "STKDF02");
  await auth(t, "UK2DF02");
  await appendAll(t, `${ddf1}/DF02/EF06`, target, "STKDF02");
  await auth(t, "UK3DF02");
  for (const ef of ["EF07", "EF08"]) {
    await t.c(`00A4000002${ef}`);
    // Cyclic files: the oldest entry first, so the newest ends as record 1.
    for (const record of records(target, `${ddf1}/DF02/${ef}`).reverse()) {
      await t.smCommand(0xe2, 0x00, 0x00, record, "STKDF02");
    }
  }
  await selectDf(t, "DF03");
  await auth(t, "UK2DF03");
  for (const [ef, count] of [
    ["EF05", 3],
    ["EF06", 5],
  ] as const) {
    await t.c(`00A4000002${ef}`);
    for (let n = 1; n <= count; n++) await t.macCommand(0x0c, n, 0x04, "STKDF03");
  }
  await selectDf(t, "DDF1");
  await t.macCommand(0x44, 0x00, 0x00, "STKDDF1");
}
