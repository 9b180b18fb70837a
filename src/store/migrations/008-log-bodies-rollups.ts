import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';
import { exactText, longText, notNull } from './column-types.ts';

/** Upper bounds (ms) of the latency buckets, frozen here as this migration created them. */
const bounds = [
  10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000,
  20_000, 30_000, 60_000, 120_000, 300_000,
];
const bucketColumn = (index: number) => `latency_b${String(index).padStart(2, '0')}`;
const bucketCount = bounds.length + 1;

const zero = (column: Parameters<typeof notNull>[0]) => column.notNull().defaultTo(0);

/**
 * The charge on each log row (micro-credits); request and response bodies, kept apart so the log
 * table stays narrow; hourly rollups per user, key and model that the dashboard reads, with a
 * latency histogram. Rollups are filled from the existing rows once, here.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema.alterTable('request_logs').addColumn('credits', 'bigint', zero).execute();

  await db.schema
    .createTable('request_log_bodies')
    .addColumn('log_id', 'bigint', (column) => column.primaryKey())
    .addColumn('request_body', longText(dialect))
    .addColumn('request_bytes', 'integer', zero)
    .addColumn('request_truncated', 'integer', zero)
    .addColumn('response_body', longText(dialect))
    .addColumn('response_bytes', 'integer', zero)
    .addColumn('response_truncated', 'integer', zero)
    .execute();

  let rollups = db.schema
    .createTable('request_rollups')
    .addColumn('hour_start', 'bigint', notNull)
    // 0 stands for "none": NULLs never collide in a unique key, so they could not be upserted.
    .addColumn('user_id', 'bigint', zero)
    .addColumn('api_key_id', 'bigint', zero)
    .addColumn('model', exactText(dialect, 255), notNull)
    .addColumn('requests', 'bigint', zero)
    .addColumn('errors', 'bigint', zero)
    .addColumn('prompt_tokens', 'bigint', zero)
    .addColumn('completion_tokens', 'bigint', zero)
    .addColumn('cached_tokens', 'bigint', zero)
    .addColumn('credits', 'bigint', zero)
    .addColumn('latency_ms_sum', 'bigint', zero);
  for (let index = 0; index < bucketCount; index++) {
    rollups = rollups.addColumn(bucketColumn(index), 'bigint', zero);
  }
  await rollups
    .addPrimaryKeyConstraint('request_rollups_pk', ['hour_start', 'user_id', 'api_key_id', 'model'])
    .execute();
  await db.schema
    .createIndex('request_rollups_user_hour')
    .on('request_rollups')
    .columns(['user_id', 'hour_start'])
    .execute();

  // Existing rows, rolled up the way the log writer rolls up new ones.
  const bucketSums = Array.from({ length: bucketCount }, (_, index) => {
    const low = index === 0 ? undefined : bounds[index - 1];
    const high = bounds[index];
    const test =
      high === undefined
        ? sql`latency_ms > ${sql.lit(low)}`
        : low === undefined
          ? sql`latency_ms <= ${sql.lit(high)}`
          : sql`latency_ms > ${sql.lit(low)} AND latency_ms <= ${sql.lit(high)}`;
    return sql`SUM(CASE WHEN ${test} THEN 1 ELSE 0 END)`;
  });
  const hour = sql`(created_at - (created_at % 3600000))`;
  await sql`
    INSERT INTO request_rollups (hour_start, user_id, api_key_id, model, requests, errors, prompt_tokens,
      completion_tokens, cached_tokens, credits, latency_ms_sum, ${sql.join(
        Array.from({ length: bucketCount }, (_, index) => sql.ref(bucketColumn(index))),
      )})
    SELECT ${hour}, COALESCE(user_id, 0), COALESCE(api_key_id, 0), model, COUNT(*),
      SUM(CASE WHEN status >= 400 AND status <> 499 THEN 1 ELSE 0 END), SUM(prompt_tokens),
      SUM(completion_tokens), SUM(cached_tokens), SUM(credits), SUM(latency_ms), ${sql.join(bucketSums)}
    FROM request_logs
    GROUP BY ${hour}, COALESCE(user_id, 0), COALESCE(api_key_id, 0), model
  `.execute(db);
}
