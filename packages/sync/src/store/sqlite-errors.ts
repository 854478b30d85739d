import { type ErrorCode, RhcError, toRhcError } from "@rhc/errors";

/** SQLite result codes (better-sqlite3 `err.code`) → the product's error codes. Data, not code. */
const SQLITE_CODE_MAP: ReadonlyArray<[RegExp, ErrorCode]> = [
  [/^SQLITE_FULL/, "STORE_FULL"],
  [/^SQLITE_IOERR_(WRITE|FSYNC|SHORT_READ|TRUNCATE)/, "STORE_IO"],
  [/^SQLITE_(CORRUPT|NOTADB)/, "STORE_CORRUPT"],
  [/^SQLITE_(BUSY|LOCKED)/, "STORE_IO"],
  [/^SQLITE_/, "STORE_IO"],
];

export function sqliteErrorCode(err: unknown): ErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  return SQLITE_CODE_MAP.find(([re]) => re.test(code))?.[1];
}

/** Wraps a better-sqlite3 failure; anything already typed passes through. */
export function storeError(err: unknown, detail: string): RhcError {
  if (err instanceof RhcError) return err;
  const code = sqliteErrorCode(err) ?? "STORE_IO";
  const sqlite = (err as { code?: string }).code;
  return toRhcError(err, code, `${detail}${sqlite ? ` [${sqlite}]` : ""}`);
}

export function isStoreError(err: unknown): boolean {
  return sqliteErrorCode(err) !== undefined;
}

export { RhcError };
