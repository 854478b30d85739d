/**
 * Desk tasks written the way a HIS would, on top of `HisClient` (docs/his-integration.md shows
 * these functions; apps/terminal-agent/test/docs-examples.test.ts runs them against an agent).
 */
import {
  AgentProblem,
  type EventStream,
  HisClient,
  type Scope,
  type Settlement,
  type SettlementInput,
  type WriteOutcome,
} from "./his-client.js";

/** First start of the HIS on a desk PC: pair once, keep the token. */
export async function pairOnce(
  agentUrl: string,
  clientName: string,
  scopes: Scope[],
  showCode: (code: string) => void,
): Promise<string> {
  const request = await HisClient.requestPairing(agentUrl, { clientName, scopes });
  showCode(request.code); // the operator on this PC runs: rhc-agent pair approve <code>
  const approved = await HisClient.waitForApproval(agentUrl, request.requestId);
  return approved.token; // store it like a password: it is handed out once
}

/** A success, or what to tell the desk user (the agent's Chinese text) and whether to retry. */
export type DeskOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; retriable: boolean };

export async function deskOutcome<T>(work: () => Promise<T>): Promise<DeskOutcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!(error instanceof AgentProblem)) throw error;
    return { ok: false, code: error.code, message: error.problem.message.zh, retriable: error.retriable };
  }
}

export interface Patient {
  name: string;
  citizenId: string;
  cardNo: string;
  cardSerial: string | null;
  /** e.g. "hotlist stale (version 12)": show them, the read itself succeeded. */
  warnings: string[];
}

/** Registration: the holder's identity from the card in the resident reader. */
export function readForRegistration(his: HisClient): Promise<DeskOutcome<Patient>> {
  return deskOutcome(async () => {
    const read = await his.readCard(["identity"], "registration");
    const holder = read.sections.identity!.holder;
    return {
      name: holder.name,
      citizenId: holder.citizenId,
      cardNo: read.cardNo,
      cardSerial: read.cardSerial,
      warnings: read.warnings,
    };
  });
}

/** The usual desk loop: read the card as soon as one is put into the resident reader. */
export function readOnInsert(his: HisClient, onRead: (outcome: DeskOutcome<Patient>) => void): EventStream {
  return his.events((event) => {
    if (event.type === "card.inserted" && event.data.role === "resident") {
      void readForRegistration(his).then(onRead);
    }
  });
}

/** A clinician records an allergy: staff-card login, the write, logout (also when the write fails). */
export async function recordAllergy(
  his: HisClient,
  pin: string,
  allergy: { substance: string; reaction: string },
): Promise<WriteOutcome> {
  const login = await his.clinicianLogin(pin);
  try {
    return await his.addAllergy(login.token, allergy);
  } finally {
    await his.clinicianLogout(login.token);
  }
}

/**
 * Settle a charge once. An unknown outcome (timeout, platform down) is resolved under the same
 * serial — never by settling again under a new one; until then the answer stays UNKNOWN.
 */
export async function settleCharge(his: HisClient, txnSerial: string, input: SettlementInput): Promise<Settlement> {
  const quote = await his.presettle(txnSerial, input); // show quote.setlinfo to the patient
  try {
    return await his.settle(txnSerial, { ...input, quoteId: quote.quoteId });
  } catch (error) {
    if (!(error instanceof AgentProblem) || error.code !== "SETTLEMENT_UNKNOWN") throw error;
    try {
      return await his.settlement(txnSerial, { refresh: true }); // SETTLED, or REVERSED if it never arrived
    } catch (again) {
      if (again instanceof AgentProblem && again.retriable) return his.settlement(txnSerial); // still UNKNOWN
      throw again;
    }
  }
}

/** Ported vendor-DLL code: the same calls in the same order, over HTTP. */
export async function readHolderLikeTheDll(his: HisClient): Promise<Record<string, unknown>> {
  const dll = async (fn: string, ...args: unknown[]) => {
    const result = await his.compat(fn, args);
    if (result.code !== 0) throw new Error(`${fn} returned ${result.code}`);
    return result;
  };
  const { code: handle } = await his.compat("OpenDevice", [1]); // port 1 = this desk; code = the handle
  try {
    await dll("PowerOn", handle, 0x11); // the SAM
    await dll("VerifyPin", handle); // no PIN: the agent supplies the configured SAM PIN
    await dll("PowerOn", handle, 0x01); // the resident card: genuine-card and hotlist checks run here
    return await dll("iR_DDF1EF06Info", handle); // XM 姓名, XB 性别, MZ 民族, CSRQ 出生日期, SFZH 身份证号
  } finally {
    await his.compat("CloseDevice", [handle]);
  }
}
