import type { NewRequestLog } from './schema.ts';

/**
 * The request log's bounded text columns and their widths in characters (migrations 001 and 008;
 * the rollups' `model` is as wide as the log's). PostgreSQL and MySQL refuse a longer value, and a
 * refused row fails its whole batch at every retry, holding every row queued behind it: a client
 * only had to ask for a model with a 300-character name.
 */
const widths = {
  request_id: 128,
  endpoint: 128,
  model: 255,
  upstream_model: 255,
  error_code: 64,
} as const satisfies Partial<Record<keyof NewRequestLog, number>>;

const columns = Object.keys(widths) as (keyof typeof widths)[];

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

/** The row with every bounded text cut to its column's width: the same object when all fit. */
export function fitLogRow<T extends NewRequestLog>(row: T): T {
  let fitted: T | undefined;
  for (const column of columns) {
    const value = row[column];
    if (typeof value !== 'string' || value.length <= widths[column]) continue;
    fitted ??= { ...row };
    fitted[column] = fitText(value, widths[column]);
  }
  return fitted ?? row;
}
