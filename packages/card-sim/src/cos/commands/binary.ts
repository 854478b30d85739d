import type { Command } from "../command.js";
import { type CommandHandler, type Cos, ok, withSw } from "../engine.js";
import { refuse, SW } from "../sw.js";
import type { EfNode } from "../tree.js";
import { checkUpdate, openUpdateData } from "./write-access.js";

/** P1 b8 = 1: SFI in P1 b5..b1 and an 8-bit offset in P2; else a 15-bit offset in P1P2. */
function addressed(cos: Cos, cmd: Command): { ef: EfNode; offset: number } {
  if (cmd.p1 & 0x80) {
    if (cmd.p1 & 0x60) refuse(SW.WRONG_P1P2);
    return { ef: cos.efBySfi(cmd.p1 & 0x1f), offset: cmd.p2 };
  }
  return { ef: cos.requireEf(), offset: ((cmd.p1 & 0x7f) << 8) | cmd.p2 };
}

function transparent(ef: EfNode): void {
  if (ef.layout.structure !== "transparent") refuse(SW.INCOMPATIBLE_FILE);
}

/** READ BINARY (00 B0): needs Le; 6B00 at or past the end; 6282 when the file ends before Le. */
export const readBinary: CommandHandler = {
  ins: 0xb0,
  cla: [0x00],
  name: "READ BINARY",
  run(cos, cmd) {
    if (cmd.data.length || cmd.le === undefined) refuse(SW.WRONG_LENGTH);
    const { ef, offset } = addressed(cos, cmd);
    transparent(ef);
    cos.check(ef.layout.access.read);
    if (offset >= ef.data.length) refuse(SW.WRONG_PARAMETERS);
    const chunk = ef.data.slice(offset, offset + cmd.le);
    return chunk.length < cmd.le && cmd.le !== 256 ? withSw(chunk, SW.END_OF_FILE) : ok(chunk);
  },
};

/** UPDATE BINARY (00 D6 plain, 04 D6 ciphertext + MAC under the DF's maintenance key). */
export const updateBinary: CommandHandler = {
  ins: 0xd6,
  cla: [0x00, 0x04],
  name: "UPDATE BINARY",
  run(cos, cmd, challenge) {
    const { ef, offset } = addressed(cos, cmd);
    transparent(ef);
    checkUpdate(cos, ef, cmd, ef.layout.access.update);
    const data = openUpdateData(cos, ef, cmd, challenge);
    if (data.length === 0) refuse(SW.WRONG_LENGTH);
    if (offset >= ef.data.length || offset + data.length > ef.data.length) refuse(SW.WRONG_PARAMETERS);
    const next = ef.data.slice();
    next.set(data, offset);
    cos.tx.set(ef, "data", next);
    return ok();
  },
};
