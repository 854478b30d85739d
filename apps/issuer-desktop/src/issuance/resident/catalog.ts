import type { FieldInfo, FieldProblem, Resident, ResidentKey } from "../../shared/resident.js";

/**
 * What the desk knows about holder fields: labels, lengths and code lists for the form, how CSV
 * headers map to fields, and the validation that must pass before a card is written. Implemented
 * on the card data dictionary (`card-dictionary-catalog.ts`).
 */
export interface ResidentCatalog {
  fields(): FieldInfo[];
  /** A CSV header (element key, Chinese or English label) → field key. */
  keyFor(header: string): ResidentKey | undefined;
  /** Trims values, accepts code-list labels for codes ("男" → "1") and dates as YYYY-MM-DD. */
  normalize(resident: Resident): Resident;
  /** Every problem of every field (empty when the holder data can be written to a card). */
  validate(resident: Resident): FieldProblem[];
}
