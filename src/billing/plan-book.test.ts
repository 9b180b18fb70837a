import { describe, expect, it } from 'vitest';
import type { PlanRow } from '../store/schema.ts';
import { PlanBook } from './plan-book.ts';

const row = (name: string, rpm: number | null): PlanRow => ({
  name,
  rpm,
  tpm: null,
  models: name === 'free' ? '["gpt-4o-mini"]' : null,
  groups: null,
  duration_days: null,
  description: null,
  created_at: 0,
  updated_at: 0,
});

describe('PlanBook', () => {
  const book = new PlanBook(async () => [row('free', 20), row('unlimited', 15)]);

  it("applies the user's plan until it ends, then the default plan", async () => {
    await book.reload('free');
    expect(book.planFor('unlimited', null)?.rpm).toBe(15);
    expect(book.planFor('unlimited', 2_000, 1_000)?.name).toBe('unlimited');
    expect(book.planFor('unlimited', 1_000, 1_000)?.name).toBe('free');
    expect(book.planFor(null, null)?.models?.has('gpt-4o-mini')).toBe(true);
    expect(book.planFor('removed', null)?.name).toBe('free');
  });

  it('puts users on no plan when there is no default', async () => {
    await book.reload(null);
    expect(book.planFor(null, null)).toBeNull();
    expect(book.planFor('unlimited', 1, 2)).toBeNull();
  });
});
