/** MySQL errors about a value that SQLSTATE files under HY000: wrong or truncated values. */
const mysqlValueErrors = new Set([
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (a string the column's character set cannot hold)
]);

/** SQLite's codes for a value or constraint the database will not take. */
const sqliteRowCodes = /^SQLITE_(?:CONSTRAINT|TOOBIG|MISMATCH)/;

/**
 * Whether a failed write was the database refusing what the rows held — SQLSTATE class 22 (data
 * exception: too long, out of range, invalid text) or 23 (a constraint), and their MySQL and SQLite
 * equivalents — rather than a failure of the connection or the server, which a retry may get past.
 * A refused row is refused again however often it is retried.
 */
export function refusedByDatabase(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, sqlState, errno } = error as { code?: unknown; sqlState?: unknown; errno?: unknown };
  // pg: `code` is the SQLSTATE; mysql2: `sqlState`, with `code` its own name (ER_…).
  const state = typeof sqlState === 'string' ? sqlState : typeof code === 'string' ? code : '';
  if (/^2[23][0-9A-Z]{3}$/.test(state)) return true;
  if (typeof errno === 'number' && typeof sqlState === 'string' && mysqlValueErrors.has(errno)) return true;
  return typeof code === 'string' && sqliteRowCodes.test(code);
}
