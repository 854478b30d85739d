import type { Command } from "../command.js";
import { type CommandHandler, type Cos, ok, swOnly } from "../engine.js";
import { refuse, SW, swWrongLe } from "../sw.js";
import type { EfNode } from "../tree.js";
import { checkUpdate, openUpdateData } from "./write-access.js";

/** The record file addressed by P2 b8..b4 (SFI; 0 = current EF). */
function recordFile(cos: Cos, p2: number): EfNode {
  const sfi = p2 >> 3;
  if (sfi === 0x1f) refuse(SW.WRONG_P1P2);
  const ef = cos.efBySfi(sfi);
  if (ef.layout.structure === "transparent") refuse(SW.INCOMPATIBLE_FILE);
  return ef;
}

/** Record number for P2 = xxxxx100: P1, or the current record when P1 = 0. */
function recordNumber(cos: Cos, ef: EfNode, p1: number): number {
  const n = p1 === 0 ? cos.recordPointer : p1;
  if (n < 1 || n > ef.records.length) refuse(SW.RECORD_NOT_FOUND);
  return n;
}

/**
 * ISO record identifier search: first (000), last (001), next (010), previous (011) record whose
 * tag = P1. Without a current record (after a selection) next acts as first and previous as last
 * (ISO 7816-4 Annex C); not found is 6A83 and leaves the record pointer where it was.
 */
function recordById(cos: Cos, ef: EfNode, id: number, mode: number): number {
  const from = cos.recordPointer;
  const all = [...ef.records.keys()];
  const order =
    mode === 0
      ? all
      : mode === 1
        ? all.reverse()
        : mode === 2
          ? all.filter((i) => i + 1 > from)
          : all.filter((i) => from === 0 || i + 1 < from).reverse();
  const found = order.find((i) => ef.records[i]![0] === id);
  if (found === undefined) refuse(SW.RECORD_NOT_FOUND);
  return found + 1;
}

/** Checks a record's length (and tag/length for TLV record files) before it is written at index i. */
function validateRecord(ef: EfNode, index: number, data: Uint8Array): void {
  const l = ef.layout;
  if (l.structure === "linear-variable") {
    if (data.length === 0 || data.length > (l.recordLength ?? 0)) refuse(SW.WRONG_LENGTH);
    if (l.templates) {
      const t = l.templates[index];
      if (!t) refuse(SW.NOT_ENOUGH_MEMORY);
      if (data.length !== t.length + 2 || data[0] !== t.tag || data[1] !== t.length) refuse(SW.WRONG_DATA);
    }
    return;
  }
  if (data.length !== l.recordLength) refuse(SW.WRONG_LENGTH);
}

function replaceRecord(cos: Cos, ef: EfNode, n: number, data: Uint8Array): void {
  const next = ef.records.slice();
  next[n - 1] = data.slice();
  cos.tx.set(ef, "records", next);
  cos.recordPointer = n;
}

/** Cyclic files: the new record overwrites the oldest and becomes record 1 (spec §2.3). */
function pushCyclic(cos: Cos, ef: EfNode, data: Uint8Array): void {
  cos.tx.set(ef, "records", [data.slice(), ...ef.records].slice(0, ef.layout.records ?? 0));
  cos.recordPointer = 1;
}

/** READ RECORD (00 B2): by number (P2 = 04) or by record identifier = tag (P2 = 00..03). */
export const readRecord: CommandHandler = {
  ins: 0xb2,
  cla: [0x00],
  name: "READ RECORD",
  run(cos, cmd) {
    if (cmd.data.length || cmd.le === undefined) refuse(SW.WRONG_LENGTH);
    const mode = cmd.p2 & 0x07;
    if (mode > 4) refuse(SW.WRONG_P1P2);
    const ef = recordFile(cos, cmd.p2);
    cos.check(ef.layout.access.read);
    const n = mode === 4 ? recordNumber(cos, ef, cmd.p1) : recordById(cos, ef, cmd.p1, mode);
    const record = ef.records[n - 1]!;
    cos.recordPointer = n;
    if (cmd.le !== 256 && cmd.le !== record.length) return swOnly(swWrongLe(record.length));
    return ok(record);
  },
};

/** UPDATE RECORD (00/04 DC): P2 = 04 replaces record P1; P1 = 00, P2 = 03 writes a new cyclic record. */
export const updateRecord: CommandHandler = {
  ins: 0xdc,
  cla: [0x00, 0x04],
  name: "UPDATE RECORD",
  run(cos, cmd, challenge) {
    const mode = cmd.p2 & 0x07;
    if (mode !== 4 && mode !== 3) refuse(SW.WRONG_P1P2);
    const ef = recordFile(cos, cmd.p2);
    if (mode === 3 && (cmd.p1 !== 0 || ef.layout.structure !== "cyclic")) refuse(SW.WRONG_P1P2);
    checkUpdate(cos, ef, cmd, ef.layout.access.update);
    const data = openUpdateData(cos, ef, cmd, challenge);
    if (mode === 3) {
      validateRecord(ef, 0, data);
      pushCyclic(cos, ef, data);
      return ok();
    }
    const n = recordNumber(cos, ef, cmd.p1);
    validateRecord(ef, n - 1, data);
    replaceRecord(cos, ef, n, data);
    return ok();
  },
};

/** APPEND RECORD (00/04 E2): personalisation fills TLV files record by record; cyclic files rotate. */
export const appendRecord: CommandHandler = {
  ins: 0xe2,
  cla: [0x00, 0x04],
  name: "APPEND RECORD",
  run(cos, cmd, challenge) {
    if (cmd.p1 !== 0 || (cmd.p2 & 0x07) !== 0) refuse(SW.WRONG_P1P2);
    const ef = recordFile(cos, cmd.p2);
    if (ef.layout.structure === "linear-fixed") refuse(SW.INCOMPATIBLE_FILE);
    checkUpdate(cos, ef, cmd, ef.layout.access.update);
    const data = openUpdateData(cos, ef, cmd, challenge);
    if (ef.layout.structure === "cyclic") {
      validateRecord(ef, 0, data);
      pushCyclic(cos, ef, data);
      return ok();
    }
    if (ef.records.length >= (ef.layout.records ?? 0)) refuse(SW.NOT_ENOUGH_MEMORY);
    validateRecord(ef, ef.records.length, data);
    cos.tx.set(ef, "records", [...ef.records, data.slice()]);
    cos.recordPointer = ef.records.length;
    return ok();
  },
};

/**
 * WRITE RECORD (84 D2, mark valid = 00) and ERASE RECORD (84 0C, mark invalid = FF) on one-byte
 * index files (DF03 EF05/EF06), MAC only (spec §6.9/§6.10). Vendor mode also takes C1's MAC-less
 * `84 D2 nn 04 00`.
 */
function indexFlag(name: string, ins: number, value: number, rule: "write" | "erase"): CommandHandler {
  return {
    ins,
    cla: [0x84],
    name,
    run(cos, cmd: Command, challenge) {
      if ((cmd.p2 & 0x07) !== 4) refuse(SW.WRONG_P1P2);
      const ef = recordFile(cos, cmd.p2);
      if (!ef.layout.indexFlags) refuse(SW.INCOMPATIBLE_FILE);
      checkUpdate(cos, ef, cmd, ef.layout.access[rule]);
      const macless = cos.mode === "vendor" && cmd.data.length === 0;
      const rest = macless ? cmd.data : openUpdateData(cos, ef, cmd, challenge);
      if (rest.length !== 0) refuse(SW.WRONG_DATA);
      const n = recordNumber(cos, ef, cmd.p1);
      replaceRecord(cos, ef, n, Uint8Array.of(value));
      return ok();
    },
  };
}

export const writeRecord = indexFlag("WRITE RECORD", 0xd2, 0x00, "write");
export const eraseRecord = indexFlag("ERASE RECORD", 0x0c, 0xff, "erase");
