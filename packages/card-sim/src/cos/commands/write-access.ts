import type { Command } from "../command.js";
import type { Cos } from "../engine.js";
import type { Condition } from "../layout.js";
import { refuse, SW } from "../sw.js";
import type { EfNode } from "../tree.js";

/** CLA 04: ciphertext + MAC; CLA 84: MAC only (spec §5.2); 00/80: plain. */
export const isSm = (cmd: Command): boolean => (cmd.cla & 0x04) !== 0;
export const isEncrypted = (cmd: Command): boolean => cmd.cla === 0x04;

/**
 * Gate for every change of an EF: frozen after issuance (6985), access condition (6982), then the
 * secure messaging the file demands (a plain change of an SM file is 6982; vendor mode lets
 * through what deployed vendor builds send in plain).
 */
export function checkUpdate(cos: Cos, ef: EfNode, cmd: Command, condition: Condition | undefined): void {
  const access = ef.layout.access;
  if (access.frozenAfterIssue && cos.lifecycle !== "personalisation") refuse(SW.CONDITIONS_NOT_SATISFIED);
  cos.check(condition ?? "never");
  const required = access.sm ?? "none";
  if (required === "none" || isSm(cmd)) return;
  if (cos.mode === "vendor" && access.smOptionalForVendors) return;
  refuse(SW.SECURITY_STATUS);
}

/** The command data in clear: SM is opened with the session key of the DF's maintenance key (STK). */
export function openUpdateData(cos: Cos, ef: EfNode, cmd: Command, challenge: Uint8Array | undefined): Uint8Array {
  if (!isSm(cmd)) return cmd.data;
  const stk = cos.keyOfKind(ef.parent, "maintenance");
  return cos.openSm(cmd, challenge, stk, isEncrypted(cmd));
}
