import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkipped, testBackends, type TestDatabase } from '../../../test/support/test-databases.ts';
import { latencyBucketColumns, latencyBucketIndex } from '../latency-buckets.ts';
import { openDatabase, type DialectName } from '../open-database.ts';
import type { Database } from '../schema.ts';
import { Store } from '../store.ts';
import * as initial from './001-initial.ts';
import * as logWarnings from './002-log-warnings.ts';
import * as channelHealth from './003-channel-health.ts';
import * as modelCatalog from './004-model-catalog.ts';
import * as accounts from './005-accounts.ts';
import * as groupsPlans from './006-groups-plans.ts';
import * as channelCosts from './007-channel-costs.ts';

const before008 = [
  ['001-initial', initial],
  ['002-log-warnings', logWarnings],
  ['003-channel-health', channelHealth],
  ['004-model-catalog', modelCatalog],
  ['005-accounts', accounts],
  ['006-groups-plans', groupsPlans],
  ['007-channel-costs', channelCosts],
] as const;

/** Brings a fresh database to the schema as it was before 008, with the same migration table. */
async function migrateTo007(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const migrations: Record<string, Migration> = Object.fromEntries(
    before008.map(([name, module]) => [
      name,
      { up: (kysely: Kysely<unknown>) => module.up(kysely, dialect) },
    ]),
  );
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'switchboard_migrations',
    migrationLockTableName: 'switchboard_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

const hour = 3_600_000;
const base = Date.UTC(2024, 0, 1);

for (const backend of testBackends) {
  announceSkipped(backend);
  describe.skipIf(!backend.create)(`migration 008 on ${backend.name}`, () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await backend.create!();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('rolls up the log rows that were there before it, as the log writer would have', async () => {
      const { db, dialect } = openDatabase(database.url);
      try {
        await migrateTo007(db, dialect);
        const rows = [
          [base + 10, 1, 5, 'gpt-4o', 200, 100],
          [base + 20, 1, 5, 'gpt-4o', 502, 900],
          [base + 30, 1, 5, 'gpt-4o', 499, 3],
          [base + hour + 1, 1, 5, 'gpt-4o', 200, 400_000],
          [base + 40, null, null, 'gpt-4o', 200, 10],
        ] as const;
        for (const [createdAt, userId, keyId, model, status, latency] of rows) {
          await sql`
            INSERT INTO request_logs (created_at, request_id, user_id, api_key_id, endpoint, model, status, stream,
              prompt_tokens, completion_tokens, latency_ms)
            VALUES (${createdAt}, 'r', ${userId}, ${keyId}, '/v1/chat/completions', ${model}, ${status}, 0, 3, 2,
              ${latency})`.execute(db);
        }
      } finally {
        await db.destroy();
      }

      const store = await Store.open(database.url);
      try {
        const rollups = await store.db
          .selectFrom('request_rollups')
          .selectAll()
          .orderBy('hour_start')
          .orderBy('user_id')
          .execute();
        const counts = (latencies: number[]) => {
          const expected = latencyBucketColumns.map(() => 0);
          for (const latency of latencies) expected[latencyBucketIndex(latency)]! += 1;
          return expected;
        };
        const bucketsOf = (row: (typeof rollups)[number]) =>
          latencyBucketColumns.map((column) => Number(row[column]));
        expect(rollups.map((row) => [row.hour_start, row.user_id, row.api_key_id, row.model])).toEqual([
          [base, 0, 0, 'gpt-4o'],
          [base, 1, 5, 'gpt-4o'],
          [base + hour, 1, 5, 'gpt-4o'],
        ]);
        expect(rollups[1]).toMatchObject({
          requests: 3,
          errors: 1,
          prompt_tokens: 9,
          completion_tokens: 6,
          credits: 0,
          latency_ms_sum: 1003,
        });
        expect(bucketsOf(rollups[1]!)).toEqual(counts([100, 900, 3]));
        expect(bucketsOf(rollups[2]!)).toEqual(counts([400_000]));
        expect(bucketsOf(rollups[0]!)).toEqual(counts([10]));
        // Old rows read with no charge.
        const [old] = await store.requestLogs.list({ limit: 1 });
        expect(old?.credits).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
}
