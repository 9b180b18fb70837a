import { z } from 'zod';

/** Micro-credits as the API takes them: whole numbers, bounded far inside 2^53. */
export const microCreditsField = z.number().int().min(0).max(1_000_000_000_000_000);

/** A signed amount of micro-credits (adjustments). */
export const signedMicroCreditsField = z
  .number()
  .int()
  .min(-1_000_000_000_000_000)
  .max(1_000_000_000_000_000);

/** Plan and group names, as the config file and users refer to them. */
export const tariffNameField = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -');

/** A limit per minute; null removes it. */
export const perMinuteField = z.number().int().min(1).max(100_000_000).nullable();
