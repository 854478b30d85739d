import type { TlvFileId } from "../health-card/session.js";

/**
 * The output/input parameters of the iR_/iW_ functions of spec §8.2, in DLL order, with the data
 * element each carries (data over code: the compat methods are generated from this table).
 */
export const TLV_FUNCTIONS = {
  DDF1EF05: {
    file: "DDF1/EF05",
    params: { KLB: 1, GFBB: 2, FKJGMC: 3, FKJGDM: 4, FKJGZS: 5, FKSJ: 6, KH: 8, AQM: 9, XPXLH: 10, YYCSDM: 57 },
  },
  DDF1EF06: { file: "DDF1/EF06", params: { XM: 11, XB: 12, MZ: 13, CSRQ: 14, SFZH: 15 } },
  DDF1EF08: {
    file: "DDF1/EF08",
    params: { KYXQ: 7, BRDH1: 16, BRDH2: 17, YLFYZFFS1: 18, YLFYZFFS2: 19, YLFYZFFS3: 20 },
  },
  DF01EF05: { file: "DF01/EF05", params: { DZLB1: 21, DZ1: 22, DZLB2: 23, DZ2: 24 } },
  DF01EF06: {
    file: "DF01/EF06",
    params: {
      LXRXM1: 25,
      LXRGX1: 26,
      LXRDH1: 27,
      LXRXM2: 28,
      LXRGX2: 29,
      LXRDH2: 30,
      LXRXM3: 31,
      LXRGX3: 32,
      LXRDH3: 33,
    },
  },
  DF01EF07: { file: "DF01/EF07", params: { WHCD: 34, HYZK: 35, ZY: 36 } },
  DF01EF08: { file: "DF01/EF08", params: { ZJLB: 37, ZJHM: 38, JKDAH: 39, XNHZH: 40 } },
  DF02EF05: {
    file: "DF02/EF05",
    params: {
      ABOXX: 41,
      RHXX: 42,
      XCBZ: 43,
      XZBBZ: 44,
      XNXGBBZ: 45,
      DXBBZ: 46,
      NXWLBZ: 47,
      TNBBZ: 48,
      QGYBZ: 49,
      TXBZ: 50,
      QGYZBZ: 51,
      QGQSBZ: 52,
      KZXYZBZ: 53,
      XZQBQBZ: 54,
      QTYXJSMC: 55,
    },
  },
  DF02EF06: { file: "DF02/EF06", params: { JSBBZ: 56 } },
} as const satisfies Record<string, { file: TlvFileId; params: Record<string, number> }>;

export type TlvFunction = keyof typeof TLV_FUNCTIONS;
export type TlvParams<F extends TlvFunction> = keyof (typeof TLV_FUNCTIONS)[F]["params"] & string;

/** nStyle of iR_/iW_DF03EEInfo / EDInfo. */
export const STYLE = { RAW: 0x00, ANS: 0x01, CN: 0x0f, B: 0xff } as const;

/**
 * wsc_GetCardInfo item ids: 1–57 elements, 58–61 allergy/immunisation fields, 62–63 index flags,
 * 64–212 EE fields, 213–384 ED fields (spec §8.2).
 */
export const ITEM_RANGES = {
  elements: { first: 1, last: 57 },
  allergy: { substance: 58, reaction: 59 },
  immunisation: { vaccine: 60, date: 61 },
  index: { inpatient: 62, outpatient: 63 },
  inpatient: { first: 64, last: 212 },
  outpatient: { first: 213, last: 384 },
} as const;
