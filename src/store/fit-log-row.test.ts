import { describe, expect, it } from 'vitest';
import { fitLogRow, fitText } from './fit-log-row.ts';
import type { NewRequestLog } from './schema.ts';

const row: NewRequestLog = {
  created_at: 1,
  request_id: 'req_1',
  user_id: 1,
  api_key_id: 1,
  endpoint: '/v1/chat/completions',
  model: 'gpt-4o',
  upstream_model: null,
  channel_id: null,
  status: 404,
  stream: 0,
  prompt_tokens: 0,
  completion_tokens: 0,
  cached_tokens: 0,
  usage_estimated: 0,
  latency_ms: 1,
  first_byte_ms: null,
  error_code: 'model_not_found',
  user_metadata: null,
  warnings: null,
};

describe('log rows that fit their columns', () => {
  it('cuts text to its width with an ellipsis, never splitting a surrogate pair', () => {
    expect(fitText('abcdef', 6)).toBe('abcdef');
    expect(fitText('abcdefg', 6)).toBe('abcde…');
    expect(fitText('abcd\u{1F600}xyz', 6)).toBe('abcd…');
    expect(fitText('abc\u{1F600}xyz', 6)).toBe('abc\u{1F600}…');
  });

  it('leaves a row that fits as it is (the same object), and copies one that does not', () => {
    expect(fitLogRow(row)).toBe(row);
    const wide = { ...row, model: 'm'.repeat(256), upstream_model: 'u'.repeat(255) };
    const fitted = fitLogRow(wide);
    expect(fitted).not.toBe(wide);
    expect(wide.model).toHaveLength(256);
    expect(fitted).toEqual({ ...wide, model: `${'m'.repeat(254)}…` });
  });

  it('makes every number a whole one within its column: an integer, or a bigint', () => {
    const fitted = fitLogRow({
      ...row,
      prompt_tokens: 3_000_000_000,
      completion_tokens: 2.5,
      cached_tokens: -4,
      latency_ms: Number.NaN,
      first_byte_ms: null,
      credits: 1e300,
    });
    expect(fitted).toMatchObject({
      prompt_tokens: 2 ** 31 - 1,
      completion_tokens: 2,
      cached_tokens: 0,
      latency_ms: 0,
      first_byte_ms: null,
      credits: Number.MAX_SAFE_INTEGER,
    });
    const fine = { ...row, prompt_tokens: 2 ** 31 - 1, credits: 2 ** 40 };
    expect(fitLogRow(fine)).toBe(fine);
  });
});
