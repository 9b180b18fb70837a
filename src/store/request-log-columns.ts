import type { NewRequestLog } from './schema.ts';

/**
 * How a request-log column is stored (migrations 001, 008 and 011): text, bounded in characters
 * when it has a `width`; a 32-bit `integer`; or a `bigint`.
 */
export type LogColumn = { type: 'text'; width?: number } | { type: 'int32' } | { type: 'bigint' };

/**
 * Every column a log row is inserted with, in the order the inserts name them, and how each is
 * stored: what the inserts' statements and the fitting of a row to its columns are both made from.
 */
export const requestLogColumns = {
  created_at: { type: 'bigint' },
  request_id: { type: 'text', width: 128 },
  user_id: { type: 'bigint' },
  api_key_id: { type: 'bigint' },
  endpoint: { type: 'text', width: 128 },
  model: { type: 'text', width: 255 },
  upstream_model: { type: 'text', width: 255 },
  channel_id: { type: 'bigint' },
  status: { type: 'int32' },
  stream: { type: 'int32' },
  prompt_tokens: { type: 'int32' },
  completion_tokens: { type: 'int32' },
  cached_tokens: { type: 'int32' },
  usage_estimated: { type: 'int32' },
  latency_ms: { type: 'int32' },
  first_byte_ms: { type: 'int32' },
  error_code: { type: 'text', width: 64 },
  user_metadata: { type: 'text' },
  warnings: { type: 'text' },
  attempts: { type: 'text' },
  credits: { type: 'bigint' },
} as const satisfies Partial<Record<keyof NewRequestLog, LogColumn>>;

export type RequestLogColumn = keyof typeof requestLogColumns;

/** The columns, in insert order. */
export const insertColumns = Object.keys(requestLogColumns) as RequestLogColumn[];

/** The names of the columns stored as `Type`. */
export type ColumnsOf<Type extends LogColumn['type']> = {
  [Column in RequestLogColumn]: (typeof requestLogColumns)[Column]['type'] extends Type ? Column : never;
}[RequestLogColumn];

/** The columns of one storage type, in insert order. */
export const columnsOfType = <Type extends LogColumn['type']>(type: Type): ColumnsOf<Type>[] =>
  insertColumns.filter((column): column is ColumnsOf<Type> => requestLogColumns[column].type === type);
