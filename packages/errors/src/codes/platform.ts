import type { ErrorTable } from "./types.js";

/** Local store, sync and the regional platform. */
export const PLATFORM_ERRORS = {
  PLATFORM_UNREACHABLE: {
    retriable: true,
    http: 503,
    zh: "无法连接区域平台：数据已安全保存在本机，网络恢复后自动上传。",
    en: "The regional platform cannot be reached: data is stored safely here and will be sent when the network is back.",
  },
  PLATFORM_ERROR: {
    retriable: true,
    http: 502,
    zh: "区域平台返回错误：稍后将自动重试。",
    en: "The regional platform returned an error: it will be retried automatically.",
  },
  PLATFORM_REJECTED: {
    retriable: false,
    http: 422,
    zh: "区域平台拒绝了该数据：请在同步状态页查看原因。",
    en: "The regional platform rejected the data: see the reason on the sync status page.",
  },
  PLATFORM_BAD_RESPONSE: {
    retriable: true,
    http: 502,
    zh: "区域平台返回的数据格式错误：稍后将自动重试，如持续出现请联系平台运维。",
    en: "The regional platform sent a malformed answer: it will be retried; if it persists contact the platform operator.",
  },
  RATE_LIMITED: {
    retriable: true,
    http: 429,
    zh: "请求过于频繁：请稍候重试。",
    en: "Too many requests: retry shortly.",
  },
  STORE_CORRUPT: {
    retriable: false,
    http: 500,
    zh: "本地数据库损坏，已隔离并新建：请通知信息科。",
    en: "The local database was corrupt; it was quarantined and a new one created: notify IT support.",
  },
  STORE_FULL: {
    retriable: true,
    http: 507,
    zh: "本机磁盘已满，无法保存数据：操作未完成，请清理磁盘后重试。",
    en: "The disk is full and data cannot be saved: the operation was not done; free space and retry.",
  },
  STORE_IO: {
    retriable: true,
    http: 500,
    zh: "本地数据库读写失败：操作未完成，请重试。",
    en: "Local database I/O failed: the operation was not done; retry.",
  },
  SETTLEMENT_UNKNOWN: {
    retriable: true,
    http: 409,
    zh: "结算结果未知：请勿重复结算，系统将自动查询或冲正。",
    en: "The settlement outcome is unknown: do not settle again; the system will query or reverse it.",
  },
  SETTLEMENT_REFUSED: {
    retriable: false,
    http: 422,
    zh: "结算被拒绝：请查看原因。",
    en: "The settlement was refused: see the reason.",
  },
} as const satisfies ErrorTable;
