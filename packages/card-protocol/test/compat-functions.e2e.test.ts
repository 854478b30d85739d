import { makeResidentImage } from "@rhc/card-sim";
import type { TestDesk } from "@rhc/card-sim/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IRV, WS_ERR } from "../src/compat/error-codes.js";
import { HealthCardApi, SLOT_SAM, SLOT_USER } from "../src/compat/health-card-api.js";
import { decodePhoto } from "../src/health-card/records.js";
import { EE_LAYOUT } from "../src/health-card/visit-records.js";
import { toHex } from "../src/util/hex.js";
import { openCompatDesk } from "./support/compat-desk.js";
import { REGION, storedFile } from "./support/sim-images.js";

// The compat functions of spec §8 not covered by compat.e2e.test.ts, called as an integrator
// ports DLL calls: every write is followed by the matching read (and the card's saved memory),
// every return code the README's mapping table promises is asserted. Real pcscd, card-sim cards.
let desk: TestDesk;
let api: HealthCardApi;
let h: number;
let card: Awaited<ReturnType<typeof openCompatDesk>>["card"];

beforeAll(async () => {
  ({ desk, api, card } = await openCompatDesk("protocol-compat-functions"));
  h = await api.OpenDevice(1);
  expect((await api.PowerOn(h, SLOT_SAM)).code).toBe(0);
  expect((await api.PowerOn(h, SLOT_USER)).code).toBe(0);
});
afterAll(async () => {
  await api?.CloseDevice(h);
  await desk?.close();
});

/** A JPEG of exactly `size` bytes. */
const jpeg = (size: number, fill = 0x61) =>
  Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...new Uint8Array(size - 6).fill(fill), 0xff, 0xd9]);
const prefixed = (photo: Uint8Array) => Uint8Array.from([photo.length >> 8, photo.length & 0xff, ...photo]);

const EE_DATA = EE_LAYOUT.fields.filter((f) => f.offset < EE_LAYOUT.signedLength);
/** The 147 EE data fields as iW_DF03EE_ALLInfo's szData, with `values` by field key. */
const eeFields = (values: Record<string, string>) => EE_DATA.map((f) => values[f.key] ?? "").join("|");
/** The values of `keys` in an iR_DF03EE_ALLInfo szData. */
function eeValues(szData: string | undefined, keys: readonly string[]): Record<string, string> {
  const parts = szData?.split("|") ?? [];
  expect(parts).toHaveLength(EE_DATA.length);
  return Object.fromEntries(keys.map((k) => [k, parts[EE_DATA.findIndex((f) => f.key === k)]!]));
}

describe("compat facade: device and SAM functions through pcscd", () => {
  it("iVerifyPIN and iChange_Pin: codes, tries left, and the new PIN is the one the SAM accepts", async () => {
    expect(await api.iVerifyPIN(h, "000000")).toEqual({ code: WS_ERR.PIN_FAILED, retriesLeft: 2 });
    expect(await api.iVerifyPIN(h, "123456")).toEqual({ code: 0 });
    expect(await api.iChange_Pin(h, "999999", "654321")).toMatchObject({ code: WS_ERR.PIN_FAILED });
    expect(await api.iVerifyPIN(h, "123456")).toEqual({ code: 0 });
    expect(await api.iChange_Pin(h, "123456", "654321")).toEqual({ code: 0 });
    expect(await api.iVerifyPIN(h, "123456")).toMatchObject({ code: WS_ERR.PIN_FAILED });
    expect(await api.iVerifyPIN(h, "654321")).toEqual({ code: 0 });
    expect(await api.iChange_Pin(h, "654321", "123456")).toEqual({ code: 0 });
    expect(await api.iVerifyPIN(h, "123456")).toEqual({ code: 0 });
  });

  it("IReader_GetDeviceCSN names the user-card reader; CloseDevice / iDOpenPort / iDClosePort", async () => {
    expect(await api.IReader_GetDeviceCSN(h)).toEqual({ code: 0, info: desk.readerName("resident") });
    // A second handle on the same port (handles sharing SAM and card: compat-shared-sam.e2e.test.ts).
    const port = await api.iDOpenPort();
    expect(port).toEqual({ code: 0, handle: expect.any(Number) });
    expect(port.handle).not.toBe(h);
    expect(await api.IReader_GetDeviceCSN(port.handle!)).toEqual({ code: 0, info: desk.readerName("resident") });
    expect((await api.SM3Digest(port.handle!, Uint8Array.of(1))).code).toBe(0);
    expect(await api.iDClosePort(port.handle!)).toBe(0);
    // A closed handle is gone: device functions say "not initialised", iR_ functions "bad parameter".
    expect(await api.IReader_GetDeviceCSN(port.handle!)).toEqual({ code: WS_ERR.NOT_INITIALISED });
    expect(await api.SM3Digest(port.handle!, Uint8Array.of(1))).toEqual({ code: WS_ERR.NOT_INITIALISED });
    expect(await api.iR_DDF1EF06Info(port.handle!)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iDClosePort(port.handle!)).toBe(WS_ERR.NOT_INITIALISED);
    expect(await api.CloseDevice(port.handle!)).toBe(WS_ERR.NOT_INITIALISED);
    // The first handle is untouched by closing the second one.
    expect((await api.iR_DDF1EF06Info(h)).XM).toBe(card.person.name);
    // CloseDevice releases the readers: a handle opened afterwards powers both again.
    const other = await api.OpenDevice(1);
    expect(await api.CloseDevice(other)).toBe(0);
    expect(await api.IReader_GetDeviceCSN(other)).toEqual({ code: WS_ERR.NOT_INITIALISED });
    const empty = new HealthCardApi({ transport: desk.transport, ports: {} });
    expect(await empty.iDOpenPort()).toEqual({ code: WS_ERR.INVALID_PORT });
  });
});

describe("compat facade: TLV and photo writes through pcscd", () => {
  it("iW_ of DDF1EF08, DF01EF06–08 and DF02EF06 write what the matching iR_ reads back", async () => {
    expect(await api.iW_DDF1EF08Info(h, { BRDH2: "13512345678", YLFYZFFS3: "5", KYXQ: "" })).toEqual({ code: 0 });
    expect(await api.iR_DDF1EF08Info(h)).toMatchObject({ code: 0, BRDH2: "13512345678", YLFYZFFS3: "5" });
    const contacts = { LXRXM3: "赵六", LXRGX3: "10", LXRDH3: "13712345678" };
    expect(await api.iW_DF01EF06Info(h, contacts)).toEqual({ code: 0 });
    expect(await api.iR_DF01EF06Info(h)).toMatchObject({ code: 0, ...contacts });
    expect(await api.iW_DF01EF07Info(h, { WHCD: "2", HYZK: "20", ZY: "4" })).toEqual({ code: 0 });
    expect(await api.iR_DF01EF07Info(h)).toEqual({ code: 0, WHCD: "2", HYZK: "20", ZY: "4" });
    expect(await api.iW_DF01EF08Info(h, { JKDAH: "41010020240005678", XNHZH: "" })).toEqual({ code: 0 });
    expect(await api.iR_DF01EF08Info(h)).toMatchObject({ code: 0, JKDAH: "41010020240005678" });
    expect(await api.iW_DF02EF06Info(h, { JSBBZ: "01" })).toEqual({ code: 0 });
    expect(await api.iR_DF02EF06Info(h)).toEqual({ code: 0, JSBBZ: "01" });

    // Read back in a fresh power-on too: the card holds it, not a cache.
    expect((await api.PowerOn(h, SLOT_USER)).code).toBe(0);
    expect(await api.iR_DF01EF07Info(h)).toEqual({ code: 0, WHCD: "2", HYZK: "20", ZY: "4" });
    expect((await api.iR_DF02EF06Info(h)).JSBBZ).toBe("01");
    expect((await api.iR_DDF1EF08Info(h)).BRDH2).toBe("13512345678");
    // Bad values never reach the card: 101.
    expect(await api.iW_DF01EF07Info(h, { HYZK: "99" })).toEqual({ code: IRV.PARAMETER });
    expect(await api.iW_DF02EF06Info(h, { JSBBZ: "xyz" })).toEqual({ code: IRV.PARAMETER });
  });

  it("iW_DDF1EF05Info on an issued card is refused: 108, WRITE_PROTECTED", async () => {
    const before = await api.iR_DDF1EF05Info(h);
    expect(await api.iW_DDF1EF05Info(h, { FKJGMC: "另一个发卡机构" })).toEqual({ code: IRV.WRITE_RECORD });
    expect(api.lastError(h)).toMatchObject({ code: "WRITE_PROTECTED", sw: "6985" });
    expect(await api.iR_DDF1EF05Info(h)).toEqual(before);
  });

  it("iW_DDF1EF07Info: with or without the length prefix, read back with it; > 3072 bytes → −2", async () => {
    const first = jpeg(1000);
    expect(await api.iW_DDF1EF07Info(h, first)).toEqual({ code: 0 });
    expect(await api.iR_DDF1EF07Info(h)).toEqual({ code: 0, ZHAOPIAN: prefixed(first) });
    const largest = jpeg(3072, 0x62);
    expect(await api.iW_DDF1EF07Info(h, prefixed(largest))).toEqual({ code: 0 });
    expect(await api.iR_DDF1EF07Info(h)).toEqual({ code: 0, ZHAOPIAN: prefixed(largest) });
    expect(decodePhoto(storedFile(card.file, "3F00/DDF1/EF07").data!)).toEqual(largest);
    // One byte too many, with or without prefix: −2 and the card keeps the photo it had.
    expect(await api.iW_DDF1EF07Info(h, jpeg(3073))).toEqual({ code: WS_ERR.PHOTO_TOO_LARGE });
    expect(await api.iW_DDF1EF07Info(h, prefixed(jpeg(3073)))).toEqual({ code: WS_ERR.PHOTO_TOO_LARGE });
    expect(decodePhoto(storedFile(card.file, "3F00/DDF1/EF07").data!)).toEqual(largest);
  });
});

describe("compat facade: inpatient records (DF03 EE / EF05) through pcscd", () => {
  it("iReader_GetLastEEIndex, iW_/iR_DF03EE_ALLInfo, and the index flag it sets", async () => {
    expect(await api.iR_DF03EF05Info(h)).toEqual({ code: 0, ZYJLBS1: "FF", ZYJLBS2: "FF", ZYJLBS3: "FF" });
    expect(await api.iReader_GetLastEEIndex(h)).toBe(1);
    const values = {
      institutionName: "河南省人民医院",
      institutionCode: "41000002X",
      admissionDate: "20240105",
      lengthOfStay: "6",
    };
    const szData = eeFields(values);
    expect(await api.iW_DF03EE_ALLInfo(h, 1, szData)).toEqual({ code: 0 });
    expect(await api.iR_DF03EF05Info(h)).toEqual({ code: 0, ZYJLBS1: "00", ZYJLBS2: "FF", ZYJLBS3: "FF" });
    expect(toHex(storedFile(card.file, "3F00/DDF1/DF03/EF05").records![0]!)).toBe("00");
    expect(await api.iReader_GetLastEEIndex(h)).toBe(2);
    const read = await api.iR_DF03EE_ALLInfo(h, 1);
    expect(read.code).toBe(0);
    expect(eeValues(read.szData, Object.keys(values))).toEqual(values);
    expect(eeValues(read.szData, ["medicalRecordNo", "bedCost"])).toEqual({ medicalRecordNo: "", bedCost: "" });
    // Field count must be 147; reading a free slot is "record not usable".
    expect(await api.iW_DF03EE_ALLInfo(h, 2, szData.slice(0, szData.lastIndexOf("|")))).toEqual({
      code: IRV.PARAMETER,
    });
    expect(await api.iR_DF03EE_ALLInfo(h, 2)).toEqual({ code: IRV.RECORD_NOT_USABLE });
  });

  it("iW_/iR_DF03EEInfo by range in every nStyle; bounds and styles checked", async () => {
    // ans text (0x01), padded with 0x00 to nLen.
    expect(await api.iW_DF03EEInfo(h, 1, "郑州大学第一附属医院", 0, 70, 0x01)).toEqual({ code: 0 });
    expect(await api.iR_DF03EEInfo(h, 1, 0, 70, 0x01)).toEqual({ code: 0, szData: "郑州大学第一附属医院" });
    // cn digits (0x0F): the admission date.
    expect(await api.iW_DF03EEInfo(h, 1, "20240210", 80, 4, 0x0f)).toEqual({ code: 0 });
    expect(await api.iR_DF03EEInfo(h, 1, 80, 4, 0x0f)).toEqual({ code: 0, szData: "20240210" });
    // b hex (0xFF) and raw hex (0x00) write and read the same bytes: bed cost (cn 5 at 1594) and,
    // up to the last data byte, the other inpatient cost (cn 5 at 1634).
    expect(await api.iW_DF03EEInfo(h, 1, "0000012345", 1594, 5, 0xff)).toEqual({ code: 0 });
    expect(await api.iR_DF03EEInfo(h, 1, 1594, 5, 0x00)).toEqual({ code: 0, szData: "0000012345" });
    expect(await api.iW_DF03EEInfo(h, 1, "0000000700", 1634, 5, 0x00)).toEqual({ code: 0 });
    expect(await api.iR_DF03EEInfo(h, 1, 1634, 5, 0xff)).toEqual({ code: 0, szData: "0000000700" });
    expect(await api.iR_DF03EEInfo(h, 1, 1634, 5, 0x0f)).toEqual({ code: 0, szData: "0000000700" });
    // The card holds the bytes where they were asked to go.
    const ee01 = storedFile(card.file, "3F00/DDF1/DF03/EE01").data!;
    expect(toHex(ee01.subarray(80, 84))).toBe("20240210");
    expect(toHex(ee01.subarray(1594, 1599))).toBe("0000012345");
    // The record as a whole reads those values back.
    expect(
      eeValues((await api.iR_DF03EE_ALLInfo(h, 1)).szData, [
        "institutionName",
        "admissionDate",
        "bedCost",
        "otherInpatientCost",
      ]),
    ).toEqual({
      institutionName: "郑州大学第一附属医院",
      admissionDate: "20240210",
      bedCost: "12345",
      otherInpatientCost: "700",
    });

    // nPos + nLen ≤ 1639 (the signature and certificate are not data), szData of nLen bytes, and
    // a known nStyle: else 101 and nothing written.
    const before = toHex(storedFile(card.file, "3F00/DDF1/DF03/EE01").data!);
    expect(await api.iW_DF03EEInfo(h, 1, "00", 1639, 1, 0x00)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iW_DF03EEInfo(h, 1, "0000", 1638, 2, 0xff)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iR_DF03EEInfo(h, 1, 1638, 2, 0x00)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iW_DF03EEInfo(h, 1, "0102", 10, 3, 0x00)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iW_DF03EEInfo(h, 1, "0102", 10, 2, 0x05)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iR_DF03EEInfo(h, 1, 10, 2, 0x05)).toEqual({ code: IRV.PARAMETER });
    expect(toHex(storedFile(card.file, "3F00/DDF1/DF03/EE01").data!)).toBe(before);
  });

  it("iW_DF03EDInfo writes a range of an outpatient record that iR_DF03EDInfo reads back", async () => {
    expect(await api.iW_DF03EDInfo(h, 3, "洛阳市中心医院", 0, 70, 0x01)).toEqual({ code: 0 });
    expect(await api.iW_DF03EF06Info(h, 3)).toEqual({ code: 0 });
    expect(await api.iR_DF03EDInfo(h, 3, 0, 70, 0x01)).toEqual({ code: 0, szData: "洛阳市中心医院" });
    expect(await api.iW_DF03EDInfo(h, 3, "00", 3013, 1, 0x00)).toEqual({ code: IRV.PARAMETER });
  });

  it("iErase_DF03EF05Info frees the slot (reads → 112), iW_DF03EF05Info marks it valid again", async () => {
    expect(await api.iErase_DF03EF05Info(h, 1)).toEqual({ code: 0 });
    expect(await api.iR_DF03EF05Info(h)).toMatchObject({ code: 0, ZYJLBS1: "FF" });
    expect(toHex(storedFile(card.file, "3F00/DDF1/DF03/EF05").records![0]!)).toBe("FF");
    expect(await api.iR_DF03EEInfo(h, 1, 0, 70, 0x01)).toEqual({ code: IRV.RECORD_NOT_USABLE });
    expect(await api.iR_DF03EE_ALLInfo(h, 1)).toEqual({ code: IRV.RECORD_NOT_USABLE });
    expect(await api.iReader_GetLastEEIndex(h)).toBe(1);
    expect(await api.iW_DF03EF05Info(h, 1)).toEqual({ code: 0 });
    expect(await api.iR_DF03EF05Info(h)).toMatchObject({ code: 0, ZYJLBS1: "00" });
    expect(await api.iR_DF03EEInfo(h, 1, 0, 70, 0x01)).toEqual({ code: 0, szData: "郑州大学第一附属医院" });
    // Slot numbers outside 1..3 are bad parameters.
    expect(await api.iW_DF03EF05Info(h, 4)).toEqual({ code: IRV.PARAMETER });
    expect(await api.iErase_DF03EF05Info(h, 0)).toEqual({ code: IRV.PARAMETER });
  });
});

describe("compat facade: LockPersonalInfo through pcscd", () => {
  it("ends personalisation: DDF1/EF06 writable before, 108 WRITE_PROTECTED after; twice → refused", async () => {
    const image = makeResidentImage({ seed: "protocol-compat-lock", region: REGION });
    const personalising = { ...image, cos: { ...image.cos, lifecycle: "personalisation" as const } };
    await desk.remove("resident");
    await desk.insert("resident", { type: "resident", options: { image: personalising } });
    expect((await api.PowerOn(h, SLOT_USER)).code).toBe(0);
    expect(await api.iW_DDF1EF06Info(h, { XM: "王小明" })).toEqual({ code: 0 });
    expect((await api.iR_DDF1EF06Info(h)).XM).toBe("王小明");
    expect(await api.LockPersonalInfo(h)).toEqual({ code: 0 });
    expect(await api.iW_DDF1EF06Info(h, { XM: "李四" })).toEqual({ code: IRV.WRITE_RECORD });
    expect(api.lastError(h)).toMatchObject({ code: "WRITE_PROTECTED" });
    expect((await api.iR_DDF1EF06Info(h)).XM).toBe("王小明");
    expect(await api.LockPersonalInfo(h)).toEqual({ code: IRV.WRITE_RECORD });
    expect(api.lastError(h)?.sw).toBe("6985");
  });
});
