import type { z } from 'zod';
import { GatewayError } from '../core/gateway-error.ts';

/** Validates management input with zod; a failure is a 422 whose message names the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = 'body'): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : what;
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s): ${issue.keys.join(', ')}`
      : (issue?.message ?? 'invalid');
  throw new GatewayError(422, 'invalid_request', `Invalid ${field}: ${message}`, { param: field });
}
