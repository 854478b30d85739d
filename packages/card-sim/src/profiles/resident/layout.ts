import {
  CARD_KEY_REFERENCES,
  CARD_KEYS,
  type CardKeyDef,
  DFS,
  type DfName,
  elementsOf,
  FILES,
  type FileDef,
  type KeyName,
  type SmMode,
} from "@rhc/card-protocol";
import {
  type Condition,
  type DfLayout,
  df,
  type EfAccess,
  type EfLayout,
  ef,
  fidHex,
  type KeyKind,
  type KeySlot,
  keyCredential,
  MF_FID,
  type SmLevel,
} from "../../cos/layout.js";

/**
 * The resident health card's file tree (spec §2), built from the data dictionary of
 * `@rhc/card-protocol` (file map §2.2, elements §3.2, key inventory §4.1, key references §4.2).
 */

/** Retry limit of the external-authentication keys [P] (spec §4.4). */
export const KEY_TRIES = 15;
/** Key number of each DF's factory transport key [P] (personalisation, README). */
export const TRANSPORT_KEY_ID = 0x00;
/** The optional holder PIN [P] (spec §4.7): reference 00 in DDF1, BCD, 6–12 digits, 3 tries. */
export const HOLDER_PIN_REF = 0x00;

export const DF_PATHS: Readonly<Record<DfName | "MF", string>> = {
  MF: fidHex(MF_FID),
  DDF1: `${fidHex(MF_FID)}/${fidHex(DFS.DDF1.fid)}`,
  DF01: `${fidHex(MF_FID)}/${fidHex(DFS.DDF1.fid)}/${fidHex(DFS.DF01.fid)}`,
  DF02: `${fidHex(MF_FID)}/${fidHex(DFS.DDF1.fid)}/${fidHex(DFS.DF02.fid)}`,
  DF03: `${fidHex(MF_FID)}/${fidHex(DFS.DDF1.fid)}/${fidHex(DFS.DF03.fid)}`,
};

const KIND_OF_CLASS: Readonly<Record<CardKeyDef["class"], KeyKind>> = {
  "internal-auth": "internal-auth",
  maintenance: "maintenance",
  lock: "lock",
  update: "external-auth",
  erase: "external-auth",
  read: "external-auth",
};

/** The COS key kind of a card key (what its WRITE KEY record must declare). */
export const keyKindOf = (name: KeyName): KeyKind => KIND_OF_CLASS[CARD_KEYS[name].class];

/** The key number of a card key inside its DF's key file (low 7 bits of its reference). */
export const keyId = (name: KeyName): number => CARD_KEY_REFERENCES[name] & 0x7f;

/** Where a key lives: the key's DF path and number (the credential an EXTERNAL AUTHENTICATE grants). */
export function keyLocation(name: KeyName): { dfPath: string; id: number } {
  return { dfPath: DF_PATHS[CARD_KEYS[name].df], id: keyId(name) };
}

const credential = (name: KeyName): Condition => {
  const { dfPath, id } = keyLocation(name);
  return [keyCredential(dfPath, id)];
};

function keySlots(owner: DfName | "MF"): KeySlot[] {
  const slots: KeySlot[] = [{ id: TRANSPORT_KEY_ID, kind: "transport", label: "transport key", maxTries: KEY_TRIES }];
  for (const key of Object.values(CARD_KEYS)) {
    if (key.df !== owner) continue;
    slots.push({ id: keyId(key.name), kind: keyKindOf(key.name), label: key.name, maxTries: KEY_TRIES });
  }
  return slots.sort((a, b) => a.id - b.id);
}

const SM_LEVEL: Readonly<Record<SmMode, SmLevel>> = { plain: "none", mac: "mac", "enc+mac": "enc" };

function access(file: FileDef): EfAccess {
  const rule = file.update;
  return {
    read: file.read === "free" ? "always" : credential(file.read),
    update: credential(rule.key),
    ...(file.structure === "linear-fixed" ? { write: credential(rule.key) } : {}),
    ...(file.erase ? { erase: credential(file.erase.key) } : {}),
    sm: SM_LEVEL[rule.sm.strict],
    smOptionalForVendors: rule.sm.lenient !== rule.sm.strict,
    frozenAfterIssue: !file.writableAfterIssuance,
  };
}

function efLayout(file: FileDef): EfLayout {
  const sfi = (file.fid & 0xff00) === 0xef00 ? file.fid & 0x1f : undefined;
  const base = { label: `${file.id} ${file.en}`, access: access(file), ...(sfi ? { sfi } : {}) };
  switch (file.structure) {
    case "transparent":
      return ef(file.fid, base.label, { ...base, structure: "transparent", size: file.size! });
    case "tlv-records": {
      const templates = elementsOf(file.id).map((e) => ({ tag: e.no, length: e.length }));
      return ef(file.fid, base.label, {
        ...base,
        structure: "linear-variable",
        records: templates.length,
        recordLength: Math.max(...templates.map((t) => t.length + 2)),
        templates,
      });
    }
    case "linear-fixed":
      return ef(file.fid, base.label, {
        ...base,
        structure: "linear-fixed",
        records: file.records!,
        recordLength: file.recordLength!,
        indexFlags: file.recordLength === 1,
      });
    case "cyclic":
      return ef(file.fid, base.label, {
        ...base,
        structure: "cyclic",
        records: file.records!,
        recordLength: file.recordLength!,
      });
  }
}

const filesOf = (name: DfName) => FILES.filter((f) => f.df === name).map(efLayout);

function app(name: Exclude<DfName, "DDF1">): DfLayout {
  const d = DFS[name];
  return df(d.fid, `${name} ${d.en}`, {
    name: Uint8Array.from(Buffer.from(d.aid, "hex")),
    keys: keySlots(name),
    children: filesOf(name),
  });
}

/** MF → DDF1 (WS.SYS.DDF01) → EF05–EF08, DF01, DF02, DF03 with every file of spec §2.2. */
export const RESIDENT_LAYOUT: DfLayout = df(MF_FID, "resident health card", {
  keys: keySlots("MF"),
  children: [
    df(DFS.DDF1.fid, `DDF1 ${DFS.DDF1.en}`, {
      name: Uint8Array.from(Buffer.from(DFS.DDF1.aid, "hex")),
      keys: keySlots("DDF1"),
      pins: [{ ref: HOLDER_PIN_REF, label: "holder PIN", maxTries: 3, format: "bcd", minDigits: 6, maxDigits: 12 }],
      children: [...filesOf("DDF1"), app("DF01"), app("DF02"), app("DF03")],
    }),
  ],
});
