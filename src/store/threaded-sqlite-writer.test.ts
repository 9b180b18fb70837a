import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { configureSqliteConnection } from './configure-sqlite-connection.ts';
import { SqliteWriteBatchBuilder } from './sqlite-write-batch.ts';
import { SqliteWriteError, ThreadedSqliteWriter } from './threaded-sqlite-writer.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A database file with one table, the store's own connection to it, and a writer thread for it. */
function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-writer-'));
  const path = join(dir, 'test.db');
  const sqlite = new BetterSqlite3(path);
  configureSqliteConnection(sqlite);
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
  const writer = new ThreadedSqliteWriter(path);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => {
    sqlite.close();
  });
  cleanups.push(() => writer.close());
  const count = () => (sqlite.prepare('SELECT COUNT(*) AS c FROM t').get() as { c: number }).c;
  return { sqlite, writer, count };
}

const rows = (...values: (number | null)[]) => {
  const batch = new SqliteWriteBatchBuilder();
  batch.addRows(
    't',
    ['n'],
    values.map((value) => [value]),
  );
  return batch.build();
};

describe('ThreadedSqliteWriter', () => {
  it('commits batches on its thread, in order, visible to the store once each resolves', async () => {
    const { sqlite, writer, count } = setUp();
    const writes = Array.from({ length: 20 }, (_, index) => writer.write(rows(index * 2, index * 2 + 1)));
    await writes[9];
    expect(count()).toBeGreaterThanOrEqual(20);
    await Promise.all(writes);
    expect(sqlite.prepare('SELECT n FROM t ORDER BY id').pluck().all()).toEqual(
      Array.from({ length: 40 }, (_, index) => index),
    );
  });

  it('answers with the rows RETURNING steps read', async () => {
    const { writer } = setUp();
    const batch = new SqliteWriteBatchBuilder();
    batch.add('INSERT INTO t (n) VALUES (?) RETURNING id, n', [7]);
    expect(await writer.write(batch.build())).toEqual([[{ id: 1, n: 7 }]]);
  });

  it('refuses a batch that fails with SQLite’s reason and code, having written none of it', async () => {
    const { writer, count } = setUp();
    const failed = writer.write(rows(1, null));
    await expect(failed).rejects.toBeInstanceOf(SqliteWriteError);
    await expect(failed).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
    expect(count()).toBe(0);
    await writer.write(rows(3));
    expect(count()).toBe(1);
  });

  it('waits for batches in flight when closed', async () => {
    const { writer, count } = setUp();
    const writes = Array.from({ length: 10 }, () => writer.write(rows(1, 2, 3)));
    await writer.close();
    await Promise.all(writes);
    expect(count()).toBe(30);
  });

  it('waits while another connection holds the write lock, then commits', async () => {
    const { sqlite, writer, count } = setUp();
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('INSERT INTO t (n) VALUES (100)');
    const write = writer.write(rows(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    sqlite.exec('COMMIT');
    await write;
    expect(count()).toBe(2);
  });
});
