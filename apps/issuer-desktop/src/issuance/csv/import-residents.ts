import { RhcError } from "@rhc/errors";
import { parse } from "csv-parse/sync";
import type { RowProblem } from "../../shared/channels.js";
import { REQUIRED_RESIDENT_KEYS, type Resident, type ResidentKey } from "../../shared/resident.js";
import type { ResidentCatalog } from "../resident/catalog.js";

export interface ImportedRow {
  /** Spreadsheet row number: the header is row 1. */
  row: number;
  resident: Resident;
}

export interface ImportResult {
  accepted: ImportedRow[];
  rejected: RowProblem[];
}

/**
 * Reads residents from CSV (UTF-8, optional BOM, header row of field keys or labels). A bad row is
 * reported with its row number and field and left out; it never stops the rest of the file. Only a
 * file that cannot be read as a table at all (or lacks required columns) is refused as a whole.
 */
export function importResidents(csv: string, catalog: ResidentCatalog): ImportResult {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw new RhcError("CSV_INVALID", { detail: error instanceof Error ? error.message : String(error), cause: error });
  }
  const [header, ...rows] = records;
  if (!header) throw new RhcError("CSV_INVALID", { detail: "the file is empty" });

  const rejected: RowProblem[] = [];
  const columns: (ResidentKey | undefined)[] = header.map((h) => catalog.keyFor(h));
  header.forEach((h, i) => {
    if (!columns[i]) {
      rejected.push({ row: 1, field: h, zh: `未知的列“${h}”，已忽略`, en: `unknown column "${h}", ignored` });
    }
  });
  const missing = REQUIRED_RESIDENT_KEYS.filter((k) => !columns.includes(k));
  if (missing.length > 0) {
    throw new RhcError("CSV_INVALID", { detail: `missing required columns: ${missing.join(", ")}` });
  }

  const accepted: ImportedRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach((cells, index) => {
    const row = index + 2;
    if (cells.length !== header.length) {
      rejected.push({
        row,
        field: "*",
        zh: `列数为 ${cells.length}，应为 ${header.length}`,
        en: `${cells.length} columns, expected ${header.length}`,
      });
      return;
    }
    const raw: Resident = {};
    columns.forEach((key, i) => {
      if (key && cells[i] !== "") raw[key] = cells[i];
    });
    const resident = catalog.normalize(raw);
    const problems = catalog.validate(resident).map((p) => ({ ...p, row }));
    const id = resident.citizenId;
    if (id && seen.has(id)) {
      problems.push({
        row,
        field: "citizenId",
        zh: `身份证号与第 ${seen.get(id)} 行重复`,
        en: `citizen ID number repeats row ${seen.get(id)}`,
      });
    }
    if (problems.length > 0) {
      rejected.push(...problems);
      return;
    }
    if (id) seen.set(id, row);
    accepted.push({ row, resident });
  });
  return { accepted, rejected };
}
