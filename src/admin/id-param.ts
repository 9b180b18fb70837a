import { GatewayError } from '../core/gateway-error.ts';

/** A numeric path id; anything else is a 404 (there is no such row), not a 500. */
export function idParam(value: unknown, what: string): number {
  const id = typeof value === 'string' && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id))
    throw new GatewayError(404, 'not_found', `No ${what} with id '${String(value)}'`);
  return id;
}
