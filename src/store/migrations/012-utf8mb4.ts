import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';

/** Every table of Switchboard's when this migration was written; no other table is touched. */
const tables = [
  'users',
  'sessions',
  'api_keys',
  'channels',
  'request_logs',
  'request_log_bodies',
  'request_rollups',
  'settings',
  'system_logs',
  'models',
  'user_groups',
  'plans',
  'credit_ledger',
  'model_prices',
  'redemption_codes',
];

/**
 * MySQL: Switchboard's tables in utf8mb4, whatever the database's default. Tables take that default,
 * which on many installs (MariaDB before 11.6, its Docker images among them) is latin1 or utf8mb3:
 * an emoji in a key's name was refused, and in a client's metadata it made the log row unstorable.
 * A table with a column in another character set is converted with the binary collation, so its
 * text compares byte for byte as on PostgreSQL and SQLite (what the `exactText` columns had
 * already); the database's default becomes utf8mb4 too, for the tables of later migrations.
 * Nothing changes where everything is utf8mb4 already. A conversion copies the table, blocking its
 * writes meanwhile: on a large request log, upgrade in a quiet hour (see the README).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'mysql') return;
  const found = await sql<{ name: string }>`
    SELECT DISTINCT c.TABLE_NAME AS name
    FROM information_schema.COLUMNS c
    JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
    WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
      AND c.CHARACTER_SET_NAME IS NOT NULL AND c.CHARACTER_SET_NAME <> 'utf8mb4'`.execute(db);
  for (const { name } of found.rows) {
    if (!tables.includes(name)) continue;
    await sql`ALTER TABLE ${sql.table(name)} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`.execute(
      db,
    );
  }
  const schema = await sql<{ name: string; charset: string }>`
    SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA
    WHERE SCHEMA_NAME = DATABASE()`.execute(db);
  const database = schema.rows[0];
  if (database !== undefined && database.charset !== 'utf8mb4') {
    await sql`ALTER DATABASE ${sql.id(database.name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`.execute(db);
  }
}
