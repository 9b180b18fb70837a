import type { NewRequestLog } from './schema.ts';
import { columnsOfType, requestLogColumns, type ColumnsOf, type LogColumn } from './request-log-columns.ts';

/**
 * The request log's bounded text columns and their widths in characters (the rollups' `model` is as
 * wide as the log's). PostgreSQL and MySQL refuse a longer value, and a refused row fails its whole
 * batch at every retry, holding every row queued behind it: a client only had to ask for a model
 * with a 300-character name.
 */
const widths = new Map<ColumnsOf<'text'>, number>();
for (const column of columnsOfType('text')) {
  const stored: LogColumn = requestLogColumns[column];
  if (stored.type === 'text' && stored.width !== undefined) widths.set(column, stored.width);
}

/** The log's `integer` columns (32 bits in PostgreSQL and MySQL) and its `bigint` ones. */
const int32Columns = columnsOfType('int32');
const bigintColumns = columnsOfType('bigint');
const INT32_MAX = 2 ** 31 - 1;

/**
 * A count as its column holds it: a whole number from 0 to `max`. An upstream reports usage, and
 * PostgreSQL refuses 3,000,000,000 tokens in an `integer`, or 1.5 in any integer column.
 */
function fitCount(value: number, max: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(max, Math.max(0, Math.floor(value)));
}

/** A body's size for its `integer` column: a body of 2 GiB or more (streamed for long enough) is counted as 2^31 - 1 bytes. */
export const fitByteCount = (bytes: number): number => fitCount(bytes, INT32_MAX);

const fits = (value: unknown, max: number): boolean =>
  typeof value !== 'number' || (Number.isInteger(value) && value >= 0 && value <= max);

/**
 * `value` in at most `width` characters: cut, with `…` for the end that did not fit (a surrogate
 * pair is not split). Counted in UTF-16 units, never fewer than the characters the databases count.
 */
export function fitText(value: string, width: number): string {
  if (value.length <= width) return value;
  let end = width - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${value.slice(0, end)}…`;
}

/**
 * The row with every bounded text cut to its column's width and every number a whole one within
 * its column's range: the same object when all fit.
 */
export function fitLogRow<T extends NewRequestLog>(row: T): T {
  let fitted: T | undefined;
  for (const [column, width] of widths) {
    const value = row[column];
    if (typeof value !== 'string' || value.length <= width) continue;
    fitted ??= { ...row };
    fitted[column] = fitText(value, width);
  }
  for (const column of int32Columns) {
    const value = row[column];
    if (fits(value, INT32_MAX)) continue;
    fitted ??= { ...row };
    fitted[column] = fitCount(value!, INT32_MAX);
  }
  for (const column of bigintColumns) {
    const value = row[column];
    if (fits(value, Number.MAX_SAFE_INTEGER)) continue;
    fitted ??= { ...row };
    fitted[column] = fitCount(value!, Number.MAX_SAFE_INTEGER);
  }
  return fitted ?? row;
}
