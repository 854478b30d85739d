import type { TestDesk } from "@rhc/card-sim/testing";
import { decodeSamCertificate, sm2VerifyDigest, sm3 } from "@rhc/crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IRV, WS_ERR } from "../src/compat/error-codes.js";
import { type HealthCardApi, SLOT_SAM, SLOT_USER } from "../src/compat/health-card-api.js";
import { ED_LAYOUT } from "../src/health-card/visit-records.js";
import { fromHex, toHex } from "../src/util/hex.js";
import { openCompatDesk } from "./support/compat-desk.js";

// The spec §8 function set through pcscd, as an integrator ports DLL calls one to one.
let desk: TestDesk;
let api: HealthCardApi;
let h: number;
let card: Awaited<ReturnType<typeof openCompatDesk>>["card"];

beforeAll(async () => {
  ({ desk, api, card } = await openCompatDesk("protocol-compat"));
  h = await api.OpenDevice(1);
});
afterAll(async () => {
  await api?.CloseDevice(h);
  await desk?.close();
});

describe("compatibility facade (spec §8) through pcscd", () => {
  it("opens the device, powers SAM and card, verifies the SAM PIN", async () => {
    expect(h).toBeGreaterThan(0);
    expect(await api.OpenDevice(99)).toBe(0);
    expect((await api.PowerOn(h, 0x05)).code).toBe(WS_ERR.INVALID_SLOT);
    const sam = await api.PowerOn(h, SLOT_SAM);
    expect(sam.code).toBe(0);
    expect(sam.ATR).toMatch(/^3B68/);
    expect(await api.VerifyPin(h, "111111")).toEqual({ code: WS_ERR.PIN_FAILED, retriesLeft: 2 });
    expect(await api.VerifyPin(h, "123456")).toEqual({ code: 0 });
    const user = await api.PowerOn(h, SLOT_USER);
    expect(user).toMatchObject({ code: 0, ATR: expect.stringMatching(/^3B69000057/) });
  });

  it("reads every TLV file with the DLL's parameter names and formats", async () => {
    const ef05 = await api.iR_DDF1EF05Info(h);
    expect(ef05).toMatchObject({ code: 0, KH: card.person.citizenId, YYCSDM: "410100", GFBB: "1.00" });
    expect(ef05.FKJGZS).toHaveLength(360); // b 180 as hex
    const ef06 = await api.iR_DDF1EF06Info(h);
    expect(ef06).toMatchObject({ code: 0, XM: card.person.name, SFZH: card.person.citizenId });
    expect(ef06.XB).toBe(card.person.sex === 1 ? "01" : "02");
    for (const read of [
      api.iR_DDF1EF08Info(h),
      api.iR_DF01EF05Info(h),
      api.iR_DF01EF06Info(h),
      api.iR_DF01EF07Info(h),
      api.iR_DF01EF08Info(h),
      api.iR_DF02EF05Info(h),
      api.iR_DF02EF06Info(h),
    ]) {
      expect((await read).code).toBe(0);
    }
    expect((await api.iR_DF01EF08Info(h)).ZJHM).toBe(card.person.citizenId);
    const photo = await api.iR_DDF1EF07Info(h);
    expect(photo.code).toBe(0);
    expect(((photo.ZHAOPIAN![0]! << 8) | photo.ZHAOPIAN![1]!) + 2).toBe(photo.ZHAOPIAN!.length);
  });

  it("writes with empty strings meaning 'unchanged', and maps refusals to IRV codes", async () => {
    expect(await api.iW_DF01EF05Info(h, { DZ1: "河南省郑州市中原区建设路9号", DZ2: "" })).toEqual({ code: 0 });
    expect((await api.iR_DF01EF05Info(h)).DZ1).toBe("河南省郑州市中原区建设路9号");
    expect(await api.iW_DF02EF05Info(h, { XCBZ: "01" })).toEqual({ code: 0 });
    expect((await api.iR_DF02EF05Info(h)).XCBZ).toBe("01");
    expect(await api.iW_DDF1EF06Info(h, { XM: "李四" })).toEqual({ code: IRV.WRITE_RECORD });
    expect(api.lastError(h)).toMatchObject({ code: "WRITE_PROTECTED", sw: "6985" });
    expect(await api.iW_DF02EF05Info(h, { XCBZ: "07" })).toEqual({ code: IRV.PARAMETER });
    expect(await api.iW_DF02EF07Info(h, "尘螨", "哮喘发作")).toEqual({ code: 0 });
    expect(await api.iR_DF02EF07Info(h, 1)).toEqual({ code: 0, GMWZMC: "尘螨", GMFY: "哮喘发作" });
    expect(await api.iW_DF02EF08Info(h, "麻疹疫苗", "20230301")).toEqual({ code: 0 });
    expect(await api.iR_DF02EF08Info(h, 1)).toEqual({ code: 0, MYJZMC: "麻疹疫苗", MYJZSJ: "20230301" });
    expect(await api.wsc_PutCardInfo(h, 17, "13600136000")).toEqual({ code: 0 });
    expect(await api.wsc_GetCardInfo(h, 17)).toEqual({ code: 0, value: "13600136000" });
  });

  it("writes and reads outpatient records by fields, ranges and item ids; erase makes them unusable", async () => {
    const fields = ED_LAYOUT.fields.filter((f) => f.offset < ED_LAYOUT.signedLength);
    const values = fields.map((f) =>
      f.key === "institutionName"
        ? "洛阳市中心医院"
        : f.key === "visitDateTime"
          ? "20240520101500"
          : f.key === "costAmount1"
            ? "3300"
            : "",
    );
    expect(await api.iReader_GetLastEDIndex(h)).toBe(1);
    expect(await api.iW_DF03ED_ALLInfo(h, 1, values.join("|"))).toEqual({ code: 0 });
    expect(await api.iR_DF03EF06Info(h)).toMatchObject({ code: 0, MZJLBS1: "00", MZJLBS2: "FF" });
    const all = await api.iR_DF03ED_ALLInfo(h, 1);
    const parts = all.szData!.split("|");
    expect(parts).toHaveLength(170);
    expect([parts[0], parts[2], parts[142]]).toEqual(["洛阳市中心医院", "20240520101500", "3300"]);
    expect(await api.iR_DF03EDInfo(h, 1, 0, 70, 0x01)).toEqual({ code: 0, szData: "洛阳市中心医院" });
    expect(await api.iR_DF03EDInfo(h, 1, 80, 7, 0x0f)).toEqual({ code: 0, szData: "20240520101500" });
    expect(await api.wsc_GetCardInfo(h, 213, 1)).toEqual({ code: 0, value: "洛阳市中心医院" });
    expect(await api.iReader_GetLastEDIndex(h)).toBe(2);
    expect(await api.iErase_DF03EF06Info(h, 1)).toEqual({ code: 0 });
    expect(await api.iR_DF03EDInfo(h, 1, 0, 70, 0x01)).toEqual({ code: IRV.RECORD_NOT_USABLE });
    expect(await api.iW_DF03EF06Info(h, 1)).toEqual({ code: 0 });
    expect(await api.iR_DF03EDInfo(h, 1, 3013, 10, 0x00)).toEqual({ code: IRV.PARAMETER });
  });

  it("raw APDUs, SM3, SM2 signature by the SAM and SAM information", async () => {
    const raw = await api.SendAPDU(h, SLOT_USER, fromHex("00A4000002DDF1"));
    expect(raw.code).toBe(0);
    expect(toHex(raw.resp!.subarray(raw.respLen!))).toBe("9000");
    expect((await api.SendAPDU(h, SLOT_USER, fromHex("00"))).code).toBe(WS_ERR.INVALID_APDU_LENGTH);
    const data = new TextEncoder().encode("abc");
    expect(await api.SM3Digest(h, data)).toEqual({ code: 0, hash: sm3(data), hashLen: 32 });
    const hash = sm3(data);
    const signed = await api.SM2SignHash(h, hash);
    expect(signed.code).toBe(0);
    const certificate = await api.iReader_SAM_Certificate(h);
    const { publicKey } = decodeSamCertificate(fromHex(certificate.info!)).fields;
    expect(sm2VerifyDigest(publicKey, hash, signed.sig!)).toBe(true);
    expect((await api.iReader_SAM_Terminal(h)).info).toMatch(/^[0-9A-F]{12}$/);
    expect((await api.iReader_SAM_Public(h)).info).toHaveLength(28);
    expect((await api.iReader_SAM_PublicApp(h)).info).toHaveLength(50);
    expect((await api.iReader_SAM_OrgCertificate(h)).info).toHaveLength(360);
    expect((await api.iReload_Pin(h)).code).toBe(WS_ERR.UNSUPPORTED);
  });

  it("reports a pulled card with the DLL's codes", async () => {
    await desk.remove("resident");
    expect((await api.iR_DDF1EF06Info(h)).code).toBe(IRV.CARD_RESPONSE);
    expect(api.lastError(h)?.code).toMatch(/CARD_REMOVED|PCSC_UNAVAILABLE|NO_CARD/);
    expect((await api.PowerOn(h, SLOT_USER)).code).toBe(WS_ERR.NO_CARD);
  });
});
