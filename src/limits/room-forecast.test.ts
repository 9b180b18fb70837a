import { describe, expect, it } from 'vitest';
import type { Admission, BucketCheck } from './rate-limiter.ts';
import { RoomForecast } from './room-forecast.ts';

const rpm: BucketCheck = { id: 'key:1:rpm', kind: 'requests', limit: 1000 };
const tpm: BucketCheck = { id: 'key:1:tpm', kind: 'tokens', limit: 100_000, estimate: 500 };

function admitted(remaining: { rpm: number; tpm: number }, extra: Partial<Admission> = {}): Admission {
  return {
    allowed: true,
    retryAfterMs: 0,
    buckets: [
      { ...rpm, remaining: remaining.rpm, resetMs: 0, allowed: true, retryAfterMs: 0 },
      { ...tpm, remaining: remaining.tpm, resetMs: 0, allowed: true, retryAfterMs: 0 },
    ],
    ...extra,
  };
}

describe('RoomForecast', () => {
  it('expects room only for buckets it has seen with room to spare', () => {
    let now = 0;
    const forecast = new RoomForecast(() => now);
    expect(forecast.expectsRoom([rpm, tpm])).toBe(false);
    forecast.note(admitted({ rpm: 900, tpm: 90_000 }));
    expect(forecast.expectsRoom([rpm, tpm])).toBe(true);
    // A bucket never seen (another key) is checked first.
    expect(forecast.expectsRoom([rpm, { ...rpm, id: 'key:2:rpm' }])).toBe(false);
    // Stale figures are not trusted.
    now = 2_001;
    expect(forecast.expectsRoom([rpm, tpm])).toBe(false);
  });

  it('wants spare room beyond the request: a tenth of the limit, and at least 16', () => {
    const forecast = new RoomForecast(() => 0);
    // 1000 rpm: the request's 1 plus 100 spare.
    forecast.note(admitted({ rpm: 100, tpm: 90_000 }));
    expect(forecast.expectsRoom([rpm])).toBe(false);
    forecast.note(admitted({ rpm: 101, tpm: 90_000 }));
    expect(forecast.expectsRoom([rpm])).toBe(true);
    // 100k tpm: the estimate (500) plus 10,000 spare.
    forecast.note(admitted({ rpm: 900, tpm: 10_499 }));
    expect(forecast.expectsRoom([tpm])).toBe(false);
    forecast.note(admitted({ rpm: 900, tpm: 10_500 }));
    expect(forecast.expectsRoom([tpm])).toBe(true);
    // A small limit: 30 rpm needs 1 + 16 left.
    const small: BucketCheck = { id: 'key:3:rpm', kind: 'requests', limit: 30 };
    const seen = (remaining: number): Admission => ({
      allowed: true,
      retryAfterMs: 0,
      buckets: [{ ...small, remaining, resetMs: 0, allowed: true, retryAfterMs: 0 }],
    });
    forecast.note(seen(16));
    expect(forecast.expectsRoom([small])).toBe(false);
    forecast.note(seen(17));
    expect(forecast.expectsRoom([small])).toBe(true);
  });

  it('forgets nothing on a refusal: the refused figures themselves say there is no room', () => {
    const forecast = new RoomForecast(() => 0);
    forecast.note(admitted({ rpm: 900, tpm: 90_000 }));
    forecast.note(admitted({ rpm: 0, tpm: 90_000 }, { allowed: false }));
    expect(forecast.expectsRoom([rpm, tpm])).toBe(false);
  });

  it('ignores admissions let through while the limiter was down, and limits that changed', () => {
    const forecast = new RoomForecast(() => 0);
    forecast.note(admitted({ rpm: 1000, tpm: 100_000 }, { failedOpen: true }));
    expect(forecast.expectsRoom([rpm])).toBe(false);
    forecast.note(admitted({ rpm: 900, tpm: 90_000 }));
    expect(forecast.expectsRoom([{ ...rpm, limit: 2000 }])).toBe(false);
  });
});
