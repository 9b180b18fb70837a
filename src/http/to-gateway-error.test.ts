import { describe, expect, it } from 'vitest';
import { toGatewayError } from './to-gateway-error.ts';

const driverError = (message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), fields);

describe('toGatewayError', () => {
  it('answers 400 for a value the database refused, quoting why, and keeps faults internal', () => {
    const refused = [
      driverError('invalid byte sequence for encoding "UTF8": 0x00', { code: '22021' }),
      driverError('value too long for type character varying(64)', { code: '22001' }),
      driverError("Data too long for column 'name' at row 1", {
        errno: 1406,
        sqlState: '22001',
        code: 'ER_DATA_TOO_LONG',
      }),
      driverError("Incorrect string value: '\\xF0\\x9F\\x98\\x80' for column 'name'", {
        errno: 1366,
        sqlState: 'HY000',
        code: 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
      }),
    ];
    for (const error of refused) {
      const { error: answer, internal } = toGatewayError(error);
      // Logged all the same: a value of the gateway's own making would be a fault.
      expect(internal).toBe(true);
      expect(answer.status).toBe(400);
      expect(answer.code).toBe('invalid_request');
      expect(answer.message).toBe(`A value in the request cannot be stored: ${error.message}`);
    }
    const faults = [
      driverError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
      driverError('duplicate key value violates unique constraint', { code: '23505' }),
      driverError('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST' }),
      new TypeError('x is undefined'),
    ];
    for (const error of faults) {
      const { error: answer, internal } = toGatewayError(error);
      expect(internal).toBe(true);
      expect(answer.status).toBe(500);
      expect(answer.message).toBe('Internal error');
    }
  });
});
