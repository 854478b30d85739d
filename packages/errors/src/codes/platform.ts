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
  PLATFORM_TIMEOUT: {
    retriable: true,
    http: 504,
    zh: "区域平台响应超时：数据已安全保存在本机，稍后将自动重试。",
    en: "The regional platform did not answer in time: data is stored safely here and will be retried.",
  },
  PLATFORM_UNAUTHORIZED: {
    retriable: false,
    http: 401,
    zh: "区域平台拒绝了本终端的身份凭证：请联系信息科重新注册终端。",
    en: "The regional platform refused this terminal's credentials: ask IT support to re-register the terminal.",
  },
  EVENT_INVALID: {
    retriable: false,
    http: 422,
    zh: "业务事件数据不合法，未保存：请按提示更正后重试。",
    en: "The business event is invalid and was not stored: correct it as indicated and retry.",
  },
  EVENT_CONFLICT: {
    retriable: false,
    http: 409,
    zh: "同一事件编号的数据与平台已收到的不一致，已隔离：请通知信息科。",
    en: "An event id arrived with different content than the platform already holds; it was quarantined: notify IT support.",
  },
  HOTLIST_MUST_REFETCH: {
    retriable: true,
    http: 410,
    zh: "挂失名单增量已过期，正在重新下载完整名单。",
    en: "The lost-card list delta is too old; the full list is being downloaded again.",
  },
  CLOCK_SKEW: {
    retriable: false,
    http: 409,
    zh: "本机时间与平台时间相差过大：请校准本机时间（已记录的业务时间不会被修改）。",
    en: "This computer's clock differs too much from the platform's: correct it (recorded business times are never rewritten).",
  },
  IDENTITY_NOT_FOUND: {
    retriable: false,
    http: 404,
    zh: "平台主索引中未找到该居民：请核对证件号码或卡号。",
    en: "The resident was not found in the platform's master index: check the ID or card number.",
  },
  SETTLEMENT_IN_PROGRESS: {
    retriable: true,
    http: 409,
    zh: "该笔结算正在处理中：请稍候查询结果，勿重复结算。",
    en: "This settlement is still being processed: query its outcome shortly; do not settle again.",
  },
  SETTLEMENT_TOMBSTONED: {
    retriable: false,
    http: 410,
    zh: "该结算流水号已被冲正，不能再结算：请使用新的流水号重新办理。",
    en: "This settlement serial was reversed and can no longer be settled: start again with a new serial.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    retriable: false,
    http: 422,
    zh: "同一流水号被用于内容不同的请求：请核对后使用新的流水号。",
    en: "The same serial was used for a request with different content: check it and use a new serial.",
  },
} as const satisfies ErrorTable;
