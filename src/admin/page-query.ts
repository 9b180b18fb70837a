import { z } from 'zod';

/** Keyset paging in a query string: rows with an id below `before_id`, at most `limit` (1–200). */
export const pageQueryFields = {
  before_id: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(200))
    .optional(),
};
