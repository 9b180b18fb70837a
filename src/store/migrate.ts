import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/001-initial.ts';
import * as logWarnings from './migrations/002-log-warnings.ts';
import * as channelHealth from './migrations/003-channel-health.ts';
import * as modelCatalog from './migrations/004-model-catalog.ts';
import * as accounts from './migrations/005-accounts.ts';
import * as groupsPlans from './migrations/006-groups-plans.ts';
import * as channelCosts from './migrations/007-channel-costs.ts';
import * as logBodiesRollups from './migrations/008-log-bodies-rollups.ts';
import * as credits from './migrations/009-credits.ts';
import * as ledgerRequestId from './migrations/010-ledger-request-id.ts';
import * as widerColumns from './migrations/011-wider-columns.ts';
import * as utf8mb4 from './migrations/012-utf8mb4.ts';
import * as ledgerAttempt from './migrations/013-ledger-attempt.ts';
import type { DialectName } from './open-database.ts';
import type { Database } from './schema.ts';

interface VersionedMigration {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

/** Every migration, in order. Names sort lexically; never rename or edit one that has shipped. */
const migrations: Record<string, VersionedMigration> = {
  '001-initial': initial,
  '002-log-warnings': logWarnings,
  '003-channel-health': channelHealth,
  '004-model-catalog': modelCatalog,
  '005-accounts': accounts,
  '006-groups-plans': groupsPlans,
  '007-channel-costs': channelCosts,
  '008-log-bodies-rollups': logBodiesRollups,
  '009-credits': credits,
  '010-ledger-request-id': ledgerRequestId,
  '011-wider-columns': widerColumns,
  '012-utf8mb4': utf8mb4,
  '013-ledger-attempt': ledgerAttempt,
};

class InCodeMigrations implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(migrations).map(([name, migration]) => [
        name,
        { up: (db: Kysely<unknown>) => migration.up(db, this.dialect) },
      ]),
    );
  }
}

/** Brings the schema up to date; safe to run on every start and from several nodes at once. */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrations(dialect),
    migrationTableName: 'switchboard_migrations',
    migrationLockTableName: 'switchboard_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error ?? 'unknown error'));
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}
