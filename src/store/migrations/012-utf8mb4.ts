import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../open-database.ts';

/**
 * MySQL: every table in utf8mb4, whatever the database's default. Tables take that default, which on
 * many installs (MariaDB before 11.6, its Docker images among them) is latin1 or utf8mb3: an emoji in
 * a key's name was refused, and in a client's metadata it made the log row unstorable. Tables with a
 * column in another character set are converted with the binary collation, so their text compares
 * byte for byte as on PostgreSQL and SQLite (what the `exactText` columns had already); the
 * database's default becomes utf8mb4 too, for the tables of later migrations. Nothing changes where
 * everything is utf8mb4 already.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'mysql') return;
  const tables = await sql<{ name: string }>`
    SELECT DISTINCT TABLE_NAME AS name FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4'
      AND TABLE_NAME NOT LIKE 'kysely\\_%'`.execute(db);
  for (const { name } of tables.rows) {
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
