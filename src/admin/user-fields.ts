import { z } from 'zod';
import type { UserRole } from '../store/schema.ts';

export const userRoles = ['user', 'admin', 'root'] as const satisfies readonly UserRole[];

export const usernameField = z
  .string()
  .max(32, 'must be at most 32 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/,
    'must be 3-32 letters, digits, _ . or -, starting with a letter or digit',
  );

/** Long enough to resist guessing; bounded so hashing stays cheap. */
export const passwordField = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters');

export const displayNameField = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(64, 'must be at most 64 characters')
  .refine((name) => !/\p{Cc}/u.test(name), 'must have no control characters');

export const emailField = z.email('must be an email address').max(254, 'must be at most 254 characters');

/** Group names as channels and the catalog use them. */
export const groupField = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -');

export const roleField = z.enum(userRoles);
