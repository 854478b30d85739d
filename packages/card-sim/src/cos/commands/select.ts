import type { Command } from "../command.js";
import { type CommandHandler, type Cos, ok, swOnly } from "../engine.js";
import { MF_FID } from "../layout.js";
import { refuse, SW } from "../sw.js";
import type { DfNode, EfNode } from "../tree.js";

type Node = DfNode | EfNode;

/** DF FCI [P] (spec §5.2): 6F L | 84 L <DF name, or FID when unnamed> | A5 00. */
export function dfFci(df: DfNode): Uint8Array {
  const name = df.layout.name ?? Uint8Array.of(df.fid >> 8, df.fid & 0xff);
  return Uint8Array.from([0x6f, name.length + 4, 0x84, name.length, ...name, 0xa5, 0x00]);
}

const STRUCTURE_CODE = { transparent: 0x01, "linear-fixed": 0x02, "linear-variable": 0x04, cyclic: 0x06 } as const;

/** EF FCP (ISO 7816-4 tag 62): size, descriptor, FID. Returned only when P2 asks for it (04). */
function efFcp(ef: EfNode): Uint8Array {
  const l = ef.layout;
  const size = l.structure === "transparent" ? (l.size ?? 0) : (l.records ?? 0) * (l.recordLength ?? 0);
  const descriptor =
    l.structure === "transparent"
      ? [STRUCTURE_CODE.transparent]
      : [STRUCTURE_CODE[l.structure], 0x21, 0x00, l.recordLength ?? 0, l.records ?? 0];
  const body = [
    0x80,
    0x02,
    (size >> 8) & 0xff,
    size & 0xff,
    0x82,
    descriptor.length,
    ...descriptor,
    0x83,
    0x02,
    ef.fid >> 8,
    ef.fid & 0xff,
  ];
  return Uint8Array.from([0x62, body.length, ...body]);
}

/** SELECT by FID search order (spec §5.3 rule 2): current DF, its children, parent, siblings, MF. */
function byFid(cos: Cos, fid: number): Node | undefined {
  const cur = cos.currentDf;
  if (fid === cur.fid) return cur;
  if (fid === MF_FID) return cos.root;
  const child = cur.child(fid);
  if (child) return child;
  if (cur.parent) {
    if (fid === cur.parent.fid) return cur.parent;
    const sibling = cur.parent.child(fid);
    if (sibling && sibling.kind === "df") return sibling;
  }
  return undefined;
}

function byName(cos: Cos, name: Uint8Array): DfNode | undefined {
  for (const df of cos.root.dfs()) {
    const n = df.layout.name;
    if (n && n.length === name.length && n.every((b, i) => b === name[i])) return df;
  }
  return undefined;
}

function byPath(start: DfNode, data: Uint8Array): Node | undefined {
  if (data.length === 0 || data.length % 2 !== 0) refuse(SW.WRONG_LENGTH);
  let node: Node = start;
  for (let i = 0; i < data.length; i += 2) {
    if (node.kind !== "df") return undefined;
    const next: Node | undefined = node.child((data[i]! << 8) | data[i + 1]!);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

function target(cos: Cos, cmd: Command): Node | undefined {
  const fid = () => {
    if (cmd.data.length !== 2) refuse(SW.WRONG_LENGTH);
    return (cmd.data[0]! << 8) | cmd.data[1]!;
  };
  switch (cmd.p1) {
    case 0x00:
      return cmd.data.length === 0 ? cos.root : byFid(cos, fid());
    case 0x01: {
      const child = cos.currentDf.child(fid());
      return child?.kind === "df" ? child : undefined;
    }
    case 0x02: {
      const child = cos.currentDf.child(fid());
      return child?.kind === "ef" ? child : undefined;
    }
    case 0x03:
      if (cmd.data.length !== 0) refuse(SW.WRONG_LENGTH);
      return cos.currentDf.parent ?? cos.root;
    case 0x04:
      if (cmd.data.length < 1 || cmd.data.length > 16) refuse(SW.WRONG_LENGTH);
      return byName(cos, cmd.data);
    case 0x08:
      return byPath(cos.root, cmd.data);
    case 0x09:
      return byPath(cos.currentDf, cmd.data);
    default:
      return refuse(SW.WRONG_P1P2);
  }
}

/**
 * SELECT (00 A4): by FID, child DF/EF, parent, DF name (AID), path. P2 00 returns the DF FCI
 * (always with 9000: vendor code insists on 9000 for DF01–DF03), 04 the FCP, 0C nothing.
 * A temporarily blocked DF is selected but answers 6A81; a permanently blocked one 9303.
 */
export const select: CommandHandler = {
  ins: 0xa4,
  cla: [0x00],
  name: "SELECT",
  inBlockedApp: true,
  run(cos, cmd) {
    if (cmd.p2 !== 0x00 && cmd.p2 !== 0x04 && cmd.p2 !== 0x0c) refuse(SW.WRONG_P1P2);
    const node = target(cos, cmd);
    if (!node) refuse(SW.FILE_NOT_FOUND);
    if (node.kind === "ef") {
      if (node.parent.state === "blocked-permanent") refuse(SW.PERMANENTLY_BLOCKED);
      if (node.parent.state === "blocked") refuse(SW.CONDITIONS_NOT_SATISFIED);
      cos.selectEf(node);
      return cmd.p2 === 0x04 ? ok(efFcp(node)) : ok();
    }
    cos.enterDf(node);
    if (node.state === "blocked-permanent") return swOnly(SW.PERMANENTLY_BLOCKED);
    if (node.state === "blocked") return swOnly(SW.FUNCTION_NOT_SUPPORTED);
    return cmd.p2 === 0x0c ? ok() : ok(dfFci(node));
  },
};
