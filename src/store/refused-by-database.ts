/** MySQL errors about a value that SQLSTATE files under HY000: wrong or truncated values. */
const mysqlValueErrors = new Set([
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (a string the column's character set cannot hold)
]);

interface DriverError {
  code?: unknown;
  sqlState?: unknown;
  errno?: unknown;
}

/** pg puts the SQLSTATE in `code`; mysql2 in `sqlState`, with `code` its own name (ER_…). */
function sqlStateOf({ code, sqlState }: DriverError): string {
  if (typeof sqlState === 'string') return sqlState;
  return typeof code === 'string' ? code : '';
}

const driverError = (error: unknown): DriverError | undefined =>
  typeof error === 'object' && error !== null ? (error as DriverError) : undefined;

/**
 * Whether a failed write was the database refusing a value: SQLSTATE class 22 (data exception: too
 * long, out of range, a NUL in text) and its MySQL and SQLite equivalents.
 */
export function refusedValue(error: unknown): boolean {
  const driver = driverError(error);
  if (driver === undefined) return false;
  if (/^22[0-9A-Z]{3}$/.test(sqlStateOf(driver))) return true;
  const { errno, sqlState, code } = driver;
  if (typeof errno === 'number' && typeof sqlState === 'string' && mysqlValueErrors.has(errno)) return true;
  return code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH';
}

/**
 * Whether a failed write was the database refusing what the rows held — a value (`refusedValue`) or
 * a constraint (SQLSTATE class 23, SQLite's SQLITE_CONSTRAINT…) — rather than a failure of the
 * connection or the server, which a retry may get past. A duplicate key is not counted: a sequence
 * behind its table (after a restore) moves on at each failure, so a retry may well succeed.
 */
export function refusedByDatabase(error: unknown): boolean {
  if (refusedValue(error)) return true;
  const driver = driverError(error);
  if (driver === undefined) return false;
  const { code, errno } = driver;
  if (code === '23505' || errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
  if (/^23[0-9A-Z]{3}$/.test(sqlStateOf(driver))) return true;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}
