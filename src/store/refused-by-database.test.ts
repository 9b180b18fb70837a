import { describe, expect, it } from 'vitest';
import { refusedByDatabase, refusedValue } from './refused-by-database.ts';

const error = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

describe('what the database refused', () => {
  it('tells a value or a constraint the rows broke from a failure a retry may get past', () => {
    const refusals = [
      { code: '22001' }, // pg: too long
      { code: '22021' }, // pg: NUL in text
      { code: '22003' }, // pg: out of range
      { code: '23502' }, // pg: NOT NULL
      { errno: 1406, sqlState: '22001', code: 'ER_DATA_TOO_LONG' },
      { errno: 1366, sqlState: 'HY000', code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD' },
      { errno: 1048, sqlState: '23000', code: 'ER_BAD_NULL_ERROR' },
      { code: 'SQLITE_CONSTRAINT_NOTNULL' },
      { code: 'SQLITE_TOOBIG' },
    ];
    for (const fields of refusals)
      expect(refusedByDatabase(error(fields)), JSON.stringify(fields)).toBe(true);
    const retryable = [
      { code: '40001' }, // pg: serialization failure
      { code: '40P01' }, // pg: deadlock
      { code: '55P03' }, // pg: lock not available
      { code: '57P01' }, // pg: admin shutdown
      { code: '08006' }, // pg: connection failure
      { code: '23505' }, // pg: duplicate key (a sequence behind its table moves on)
      { errno: 1213, sqlState: '40001', code: 'ER_LOCK_DEADLOCK' },
      { errno: 1205, sqlState: 'HY000', code: 'ER_LOCK_WAIT_TIMEOUT' },
      { errno: 1062, sqlState: '23000', code: 'ER_DUP_ENTRY' },
      { errno: 2013, code: 'PROTOCOL_CONNECTION_LOST' },
      { code: 'ECONNREFUSED' },
      { code: 'SQLITE_BUSY' },
      { code: 'SQLITE_CONSTRAINT_UNIQUE' },
    ];
    for (const fields of retryable)
      expect(refusedByDatabase(error(fields)), JSON.stringify(fields)).toBe(false);
    expect(refusedByDatabase('boom')).toBe(false);
    expect(refusedByDatabase(new Error('no code'))).toBe(false);
  });

  it('counts only values (not constraints) as a refused value', () => {
    expect(refusedValue(error({ code: '22001' }))).toBe(true);
    expect(refusedValue(error({ code: '23502' }))).toBe(false);
    expect(refusedValue(error({ errno: 1048, sqlState: '23000' }))).toBe(false);
  });
});
