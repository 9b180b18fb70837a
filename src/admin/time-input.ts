import { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';

/** A time given as Unix seconds or an ISO 8601 string, read as epoch milliseconds. */
export const timeInput = z.union([
  z
    .number()
    .int()
    .nonnegative()
    .max(253_402_300_799)
    .transform((seconds) => seconds * 1000),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
]);

/** The same for query strings, where every value arrives as text. */
export const timeQueryInput = z.union([
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform((seconds) => Number(seconds) * 1000),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
]);

export const isoTime = (epochMs: number | null): string | null =>
  epochMs === null ? null : new Date(epochMs).toISOString();

/** Refuses an expiry already past: what it would create could never be used. */
export function refusePast(expiresAt: number | null | undefined, field = 'expires_at'): void {
  if (expiresAt != null && expiresAt <= Date.now()) {
    throw new GatewayError(422, 'invalid_request', `Invalid ${field}: it is in the past`, { param: field });
  }
}
