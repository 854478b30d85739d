import type { ErrorTable } from "./types.js";

/** Application-level policy, API and configuration errors (terminal agent, issuer desktop). */
export const APP_ERRORS = {
  INVALID_INPUT: {
    retriable: false,
    http: 400,
    zh: "请求参数不合法。",
    en: "The request is invalid.",
  },
  UNAUTHORIZED: {
    retriable: false,
    http: 401,
    zh: "客户端未配对或令牌无效：请在终端代理上重新配对。",
    en: "The client is not paired or its token is invalid: pair it again with the terminal agent.",
  },
  FORBIDDEN: {
    retriable: false,
    http: 403,
    zh: "无权执行此操作。",
    en: "Not allowed to perform this operation.",
  },
  ORIGIN_REJECTED: {
    retriable: false,
    http: 403,
    zh: "请求来源不受信任（Host/Origin 校验失败）。",
    en: "The request origin is not trusted (Host/Origin check failed).",
  },
  CLINICIAN_REQUIRED: {
    retriable: false,
    http: 401,
    zh: "写卡前需要医护人员使用 CA 卡登录。",
    en: "A clinician must log in with a staff CA card before writing to a card.",
  },
  OPERATOR_REQUIRED: {
    retriable: false,
    http: 401,
    zh: "需要操作员使用 CA 卡登录。",
    en: "An operator must log in with a staff CA card.",
  },
  HOTLISTED: {
    retriable: false,
    http: 423,
    zh: "此卡已挂失或注销：请勿受理，并提示持卡人到发卡中心处理。",
    en: "This card is reported lost or cancelled: do not accept it; send the holder to the issuance centre.",
  },
  LIST_STALE: {
    retriable: true,
    http: 503,
    zh: "挂失名单已过期：请检查网络连接，待名单更新后重试。",
    en: "The lost-card list is out of date: check the network connection and retry after it updates.",
  },
  CARD_NOT_BLANK: {
    retriable: false,
    http: 409,
    zh: "发卡读卡器中的卡已个人化（或已发行）：请放入空白卡。已发行的卡不能再次写入。",
    en: "The card in the issuer reader is already personalised (or issued): insert a blank card. An issued card cannot be written again.",
  },
  WRONG_CARD: {
    retriable: false,
    http: 409,
    zh: "发卡读卡器中的卡不是居民健康卡空白卡（无法识别的卡或错误的卡片类型）：请取出并放入空白卡。",
    en: "The card in the issuer reader is not a blank resident health card (unknown or wrong card type): remove it and insert a blank card.",
  },
  ISSUER_SAM_MISSING: {
    retriable: true,
    http: 503,
    zh: "发卡 SAM 卡未插入或无法使用：请检查发卡 SAM 读卡器。",
    en: "The issuer SAM is missing or unusable: check the issuer SAM reader.",
  },
  VERIFY_MISMATCH: {
    retriable: false,
    http: 422,
    zh: "写卡后回读校验不一致：此卡作废，请放入废卡箱并重新制卡。",
    en: "Read-back verification failed after personalisation: void this card, put it in the reject bin and issue again.",
  },
  PHOTO_INVALID: {
    retriable: false,
    http: 422,
    zh: "照片无法处理：请提供 JPEG 或 PNG 格式的正面免冠照片。",
    en: "The photo cannot be processed: provide a JPEG or PNG frontal portrait.",
  },
  CSV_INVALID: {
    retriable: false,
    http: 422,
    zh: "导入文件格式错误：请使用模板中的列名并保存为 UTF-8 编码的 CSV 文件。",
    en: "The import file is malformed: use the template's column names and save it as UTF-8 CSV.",
  },
  BATCH_BUSY: {
    retriable: true,
    http: 409,
    zh: "另一批次正在制卡：请等待其完成或先暂停。",
    en: "Another batch is being personalised: wait for it to finish or pause it first.",
  },

  NOT_FOUND: {
    retriable: false,
    http: 404,
    zh: "未找到。",
    en: "Not found.",
  },
  CONFLICT: {
    retriable: false,
    http: 409,
    zh: "状态冲突。",
    en: "Conflicting state.",
  },
  CONFIG_INVALID: {
    retriable: false,
    http: 500,
    zh: "配置文件错误：请按提示修改配置文件。",
    en: "The configuration file is invalid: fix it as indicated.",
  },
  PAIRING_EXPIRED: {
    retriable: false,
    http: 410,
    zh: "配对请求已过期或被拒绝：请在医院信息系统中重新发起配对。",
    en: "The pairing request expired or was denied: start pairing again from the HIS.",
  },
  SHUTTING_DOWN: {
    retriable: true,
    http: 503,
    zh: "终端代理正在停止或重启：请稍候重试。",
    en: "The terminal agent is stopping or restarting: retry shortly.",
  },
  AGENT_UNAVAILABLE: {
    retriable: true,
    http: 503,
    zh: "无法连接终端代理服务：请确认服务已启动（systemctl status rhc-agent）。",
    en: "The terminal agent service cannot be reached: check that it is running (systemctl status rhc-agent).",
  },
  INTERNAL: {
    retriable: true,
    http: 500,
    zh: "内部错误：请重试，如反复出现请导出诊断报告交信息科。",
    en: "Internal error: retry; if it persists send a diagnostics report to IT.",
  },
} as const satisfies ErrorTable;
