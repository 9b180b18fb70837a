import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applySqliteWriteBatch, SqliteWriteBatchBuilder } from './sqlite-write-batch.ts';

function database() {
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT, x REAL)');
  return sqlite;
}

describe('SQLite write batches', () => {
  it('inserts every row with its own values, in order, across full and partial statements', () => {
    const sqlite = database();
    const rows = Array.from({ length: 70 }, (_, index) => [
      index,
      index % 3 === 0 ? null : `row ${index} 'quoted', "and" ünïcode`,
      index / 4,
    ]);
    const batch = new SqliteWriteBatchBuilder();
    batch.addRows('t', ['n', 's', 'x'], rows.slice(0, 1));
    batch.addRows('t', ['n', 's', 'x'], []);
    batch.addRows('t', ['n', 's', 'x'], rows.slice(1));
    applySqliteWriteBatch(sqlite, new Map(), batch.build());
    expect(sqlite.prepare('SELECT n, s, x FROM t ORDER BY id').raw().all()).toEqual(rows);
  });

  it('runs steps in order, returns what RETURNING steps read, and sees its own earlier steps', () => {
    const sqlite = database();
    const batch = new SqliteWriteBatchBuilder();
    batch.add('INSERT INTO t (n) VALUES (?)', [5]);
    batch.add('INSERT INTO t (n, s) VALUES (?, ?)', [6, 'six']);
    batch.add('UPDATE t SET n = n + ? WHERE s = ? RETURNING id, n', [10, 'six']);
    batch.add('INSERT INTO t (n, s) VALUES (last_insert_rowid(), ?)', ['after']);
    const result = applySqliteWriteBatch(sqlite, new Map(), batch.build());
    expect(result).toEqual([[{ id: 2, n: 16 }]]);
    expect(sqlite.prepare('SELECT n, s FROM t ORDER BY id').raw().all()).toEqual([
      [5, null],
      [16, 'six'],
      [2, 'after'],
    ]);
  });

  it('writes nothing of a batch one step of which fails, and says why', () => {
    const sqlite = database();
    const batch = new SqliteWriteBatchBuilder();
    batch.addRows('t', ['n'], [[1], [2]]);
    batch.addRows('t', ['n'], [[3], [null]]);
    expect(() => applySqliteWriteBatch(sqlite, new Map(), batch.build())).toThrow(/NOT NULL/);
    expect(sqlite.prepare('SELECT COUNT(*) AS c FROM t').get()).toEqual({ c: 0 });
  });
});
