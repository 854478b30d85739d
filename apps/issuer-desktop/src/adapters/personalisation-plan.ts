import {
  type DfName,
  FILES,
  type FileDef,
  type FileId,
  fileDef,
  type KeyName,
  type SamKeyName,
  type SmMode,
  STK_OF_DF,
} from "@rhc/card-protocol";
import { KEY_DF_ORDER } from "./issuer-keys.js";

/** One data write of personalisation, with the key its access rule asks for and its SM. */
export type DataWrite =
  /** Every record of a TLV file, APPEND RECORD in record order. */
  | { readonly kind: "records"; readonly file: FileId; readonly key: KeyName; readonly sm?: SamKeyName }
  /** The photo (DDF1/EF07), UPDATE BINARY in 0x80 blocks. */
  | { readonly kind: "photo"; readonly file: FileId; readonly key: KeyName }
  /** Every flag of a DF03 index file set free (ERASE RECORD). */
  | { readonly kind: "free-index"; readonly file: FileId; readonly key: KeyName; readonly sm?: SamKeyName };

/** One visit of a DF: its keys first (WRITE KEY works in the current DF), then its data. */
export interface DfVisit {
  readonly df: DfName | "MF";
  readonly writes: readonly DataWrite[];
}

/** The STK a rule's strict SM mode needs in `df`, or none for plain writes. */
const smOf = (df: DfName, mode: SmMode): { sm?: SamKeyName } => (mode === "plain" ? {} : { sm: STK_OF_DF[df] });

function writesOf(df: DfName | "MF"): DataWrite[] {
  if (df === "MF") return [];
  const files = FILES.filter((f: FileDef) => f.df === df);
  const writes: DataWrite[] = files
    .filter((f) => f.structure === "tlv-records")
    .map((f) => ({ kind: "records", file: f.id, key: f.update.key, ...smOf(df, f.update.sm.strict) }));
  if (df === "DDF1") writes.push({ kind: "photo", file: "DDF1/EF07", key: fileDef("DDF1/EF07").update.key });
  for (const f of files.filter((f) => f.structure === "linear-fixed" && f.erase)) {
    writes.push({ kind: "free-index", file: f.id, key: f.erase!.key, ...smOf(df, f.erase!.sm.strict) });
  }
  return writes;
}

/**
 * [P] The desk's personalisation order, derived from the card's file map (`FILES`: update keys
 * and SM per file): each DF is visited once — keys, then its TLV files, the photo (DDF1) and the
 * free index flags (DF03) — so no DF is selected twice and every update key is authenticated
 * once per DF. ACTIVATE in DDF1 ends it. The card ends up the same in any order; this one sends
 * the fewest SELECTs and EXTERNAL AUTHENTICATEs.
 */
export const PERSONALISATION_PLAN: readonly DfVisit[] = KEY_DF_ORDER.map((df) => ({ df, writes: writesOf(df) }));
