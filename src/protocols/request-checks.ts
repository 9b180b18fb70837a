import { GatewayError } from '../core/gateway-error.ts';

/** Small hand-written checks for decoding client requests (zod costs measurable time on the relay path). */

export const invalid = (param: string, message: string): GatewayError =>
  new GatewayError(400, 'invalid_request', `Invalid '${param}': ${message}`, { param });

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function optionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(param, 'must be a number');
  return value;
}

export function optionalInteger(value: unknown, param: string): number | undefined {
  const number = optionalNumber(value, param);
  if (number !== undefined && !Number.isInteger(number)) throw invalid(param, 'must be a whole number');
  return number;
}

export function optionalString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(param, 'must be a string');
  return value;
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(param, 'must be a boolean');
  return value;
}

export function requiredString(value: unknown, param: string): string {
  if (typeof value !== 'string' || value === '')
    throw invalid(param, 'is required and must be a non-empty string');
  return value;
}

export function requiredArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(param, 'must be an array');
  return value;
}

export function requiredRecord(value: unknown, param: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(param, 'must be an object');
  return value;
}
