import { sql } from 'kysely';
import { createConnection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import {
  announceSkipped,
  createMysqlDatabaseIn,
  testBackends,
} from '../../../test/support/test-databases.ts';
import { channelRow } from '../channel-row.test-support.ts';
import { Store } from '../store.ts';

const mysql = testBackends.find((backend) => backend.name === 'mysql')!;
announceSkipped(mysql);

interface ColumnCharset {
  table: string;
  column: string;
  charset: string;
  collation: string;
}

const textColumns = async (store: Store): Promise<ColumnCharset[]> =>
  (
    await sql<ColumnCharset>`
      SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, CHARACTER_SET_NAME AS charset,
        COLLATION_NAME AS collation
      FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL AND TABLE_NAME NOT LIKE 'switchboard\\_migrations%'`.execute(
      store.db,
    )
  ).rows;

describe('migration 012 on MySQL', () => {
  for (const charset of ['latin1', 'utf8mb3'] as const) {
    const create = createMysqlDatabaseIn(charset);
    it.skipIf(!create)(
      `makes every table of a ${charset} database utf8mb4, compared byte for byte`,
      async () => {
        const database = await create!();
        // Another application's table in the same database.
        const other = await createConnection(database.url);
        await other.query('CREATE TABLE other_app (note varchar(10))');
        await other.end();
        const store = await Store.open(database.url);
        try {
          const columns = (await textColumns(store)).filter((column) => column.table !== 'other_app');
          expect(columns.length).toBeGreaterThan(20);
          expect(columns.filter((column) => column.charset !== 'utf8mb4')).toEqual([]);
          expect(columns.filter((column) => column.collation !== 'utf8mb4_bin')).toEqual([]);
          const otherNote = await sql<{ charset: string }>`
            SELECT CHARACTER_SET_NAME AS charset FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'other_app'`.execute(store.db);
          expect(otherNote.rows[0]?.charset).toBe(charset);
          // The migrator's own tables are left as they were.
          const kysely = await sql<{ charset: string }>`
          SELECT CHARACTER_SET_NAME AS charset FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'switchboard_migrations' AND COLUMN_NAME = 'name'`.execute(
            store.db,
          );
          expect(kysely.rows[0]?.charset).toBe(charset);
          // What an emoji used to break: a channel's name, a log row's metadata.
          const id = await store.channels.create(channelRow({ name: 'bot 😀' }));
          expect((await store.channels.findById(id))?.name).toBe('bot 😀');
          const schema = await sql<{ charset: string }>`
          SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA
          WHERE SCHEMA_NAME = DATABASE()`.execute(store.db);
          expect(schema.rows[0]?.charset).toBe('utf8mb4');
        } finally {
          await store.close();
          await database.drop();
        }
      },
    );
  }

  it.skipIf(!mysql.create)('changes nothing in a utf8mb4 database', async () => {
    const database = await mysql.create!();
    const store = await Store.open(database.url);
    try {
      const columns = await textColumns(store);
      expect(columns.filter((column) => column.charset !== 'utf8mb4')).toEqual([]);
      // The server's default collation stays where no column asked for another.
      const name = columns.find((column) => column.table === 'channels' && column.column === 'name');
      expect(name?.collation).not.toBe('utf8mb4_bin');
      const username = columns.find((column) => column.table === 'users' && column.column === 'username');
      expect(username?.collation).toBe('utf8mb4_bin');
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
