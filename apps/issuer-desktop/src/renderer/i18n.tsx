import { createContext, useContext } from "react";
import type { Problem } from "../shared/channels.js";

export type Lang = "zh" | "en";

/** UI strings, Chinese first. Field labels come from the card data dictionary (resident.fields). */
const STRINGS = {
  appTitle: ["居民健康卡发卡系统", "Resident Health Card Issuance"],
  navIssue: ["发卡", "Issue"],
  navCards: ["挂失 / 补换卡", "Lost & replace"],
  navBatch: ["批量制卡", "Batches"],
  navAudit: ["审计日志", "Audit log"],
  language: ["English", "中文"],
  login: ["操作员登录", "Operator login"],
  loginHint: [
    "请将操作员 CA 卡插入“操作员读卡器”，输入 PIN 后登录。",
    "Insert your staff CA card into the staff card reader, enter the PIN and log in.",
  ],
  pin: ["PIN 码", "PIN"],
  loginButton: ["登录", "Log in"],
  logout: ["退出", "Log out"],
  operator: ["操作员", "Operator"],
  lookup: ["从平台查询", "Look up on the platform"],
  lookupNotFound: ["平台中未找到该居民，请手工录入。", "Resident not found on the platform: enter the data by hand."],
  validate: ["校验", "Validate"],
  photo: ["照片", "Photo"],
  importPhoto: ["导入照片", "Import photo"],
  photoInfo: ["已压缩为 JPEG", "Compressed to JPEG"],
  issue: ["写卡并校验", "Personalise and verify"],
  issuing: ["正在写卡……请勿移动卡片", "Personalising… do not move the card"],
  issued: ["发卡成功，回读校验一致", "Card issued and verified"],
  printFace: ["打印卡面（PDF）", "Print card face (PDF)"],
  readers: ["读卡器", "Readers"],
  cardBlank: ["空白卡", "blank card"],
  cardPersonalised: ["已个人化卡", "personalised card"],
  cardPartial: ["未写完的卡（可重新写卡）", "partly written card (can be personalised again)"],
  cardAbsent: ["无卡", "no card"],
  cardUnknown: ["无法识别的卡", "unknown card"],
  search: ["查询（卡号 / 身份证号 / 姓名）", "Search (card no. / ID no. / name)"],
  status: ["状态", "Status"],
  reason: ["原因", "Reason"],
  reportLost: ["挂失", "Report lost"],
  unblock: ["解挂", "Unblock"],
  replace: ["补换卡", "Replace"],
  statusIssued: ["正常", "issued"],
  statusLost: ["已挂失", "lost"],
  statusReplaced: ["已补换", "replaced"],
  statusBlocked: ["已锁定", "blocked"],
  batchName: ["批次名称", "Batch name"],
  importCsv: ["导入 CSV", "Import CSV"],
  rejectedRows: ["未导入的行", "Rows not imported"],
  row: ["行", "Row"],
  field: ["数据项", "Field"],
  problem: ["问题", "Problem"],
  start: ["开始制卡", "Start"],
  resume: ["继续制卡", "Resume"],
  pause: ["暂停", "Pause"],
  report: ["下载结果报告", "Download report"],
  pending: ["待制卡", "pending"],
  personalising: ["写卡中", "personalising"],
  verifying: ["校验中", "verifying"],
  issuedState: ["成功", "issued"],
  failed: ["失败", "failed"],
  batchReady: ["就绪", "ready"],
  batchRunning: ["制卡中", "running"],
  batchPaused: ["已暂停", "paused"],
  batchDone: ["已完成", "done"],
  verifyChain: ["校验哈希链", "Verify hash chain"],
  chainOk: ["审计日志完整", "Audit chain intact"],
  chainBroken: ["审计日志被篡改，起始记录", "Audit chain broken at record"],
  time: ["时间", "Time"],
  action: ["操作", "Action"],
  subject: ["对象", "Subject"],
  details: ["详情", "Details"],
  name: ["姓名", "Name"],
  cardNo: ["卡号", "Card no."],
  chipSerial: ["芯片序列号", "Chip serial"],
  attempts: ["次数", "Attempts"],
  required: ["必填", "required"],
} as const satisfies Record<string, readonly [string, string]>;

export type StringKey = keyof typeof STRINGS;

export const LangContext = createContext<Lang>("zh");

export function useT(): (key: StringKey) => string {
  const lang = useContext(LangContext);
  return (key) => STRINGS[key][lang === "zh" ? 0 : 1];
}

/** The operator message of a problem in the current language. */
export function problemText(problem: Problem, lang: Lang): string {
  return lang === "zh" ? problem.message.zh : problem.message.en;
}
