import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteMultiRowInsert } from './sqlite-multi-row-insert.ts';

describe('SqliteMultiRowInsert', () => {
  it('inserts every row with its own values, in order, across full and partial statements', () => {
    const database = new BetterSqlite3(':memory:');
    database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, s TEXT, x REAL)');
    const insert = new SqliteMultiRowInsert(database, 't', ['n', 's', 'x']);
    const rows = Array.from({ length: 70 }, (_, index) => [
      index,
      index % 3 === 0 ? null : `row ${index} 'quoted', "and" ünïcode`,
      index / 4,
    ]);
    insert.run(rows.slice(0, 1));
    insert.run([]);
    insert.run(rows.slice(1));
    const stored = database.prepare('SELECT n, s, x FROM t ORDER BY id').raw().all();
    expect(stored).toEqual(rows);
  });

  it('writes nothing of a statement whose row breaks a constraint, and says why', () => {
    const database = new BetterSqlite3(':memory:');
    database.exec('CREATE TABLE t (n INTEGER NOT NULL)');
    const insert = new SqliteMultiRowInsert(database, 't', ['n']);
    expect(() => insert.run([[1], [null], [3]])).toThrow(/NOT NULL/);
    expect(database.prepare('SELECT COUNT(*) AS c FROM t').get()).toEqual({ c: 0 });
  });
});
