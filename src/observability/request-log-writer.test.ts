import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NewRequestLog } from '../store/schema.ts';
import { RequestLogWriter, type RequestLogSink } from './request-log-writer.ts';

const row = (i: number): NewRequestLog => ({
  created_at: i,
  request_id: `r${i}`,
  user_id: 1,
  api_key_id: 1,
  endpoint: '/v1/chat/completions',
  model: 'm',
  upstream_model: 'm',
  channel_id: 1,
  status: 200,
  stream: 0,
  prompt_tokens: 1,
  completion_tokens: 1,
  cached_tokens: 0,
  usage_estimated: 0,
  latency_ms: 1,
  first_byte_ms: 1,
  error_code: null,
  user_metadata: null,
  warnings: null,
});

class FlakySink implements RequestLogSink {
  written: NewRequestLog[] = [];
  batches: number[] = [];
  failNext = 0;
  async insertMany(rows: readonly NewRequestLog[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('database unavailable');
    }
    this.batches.push(rows.length);
    this.written.push(...rows);
  }
}

const silent = pino({ level: 'silent' });

describe('RequestLogWriter', () => {
  it('writes in batches of at most batchSize and keeps order', async () => {
    const sink = new FlakySink();
    const writer = new RequestLogWriter(sink, silent, { batchSize: 10, flushIntervalMs: 10_000 });
    for (let i = 0; i < 25; i++) writer.enqueue(row(i));
    await writer.close();
    expect(sink.written.map((r) => r.request_id)).toEqual(Array.from({ length: 25 }, (_, i) => `r${i}`));
    expect(Math.max(...sink.batches)).toBeLessThanOrEqual(10);
  });

  it('writes a partial batch after the flush interval', async () => {
    const sink = new FlakySink();
    const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 20 });
    writer.enqueue(row(1));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sink.written).toHaveLength(1);
    await writer.close();
  });

  describe('under a steady stream of rows', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('writes what gathered a flush interval apart, not small batches back to back', async () => {
      vi.useFakeTimers();
      class SlowSink extends FlakySink {
        override async insertMany(rows: readonly NewRequestLog[]): Promise<void> {
          await new Promise((resolve) => setTimeout(resolve, 5));
          await super.insertMany(rows);
        }
      }
      const sink = new SlowSink();
      const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 50 });
      // One row a millisecond for 300 ms, each insert taking 6 ms.
      for (let i = 0; i < 300; i++) {
        writer.enqueue(row(i));
        await vi.advanceTimersByTimeAsync(1);
      }
      await vi.advanceTimersByTimeAsync(100);
      expect(sink.written.map((r) => r.request_id)).toEqual(Array.from({ length: 300 }, (_, i) => `r${i}`));
      // About one write per 50 ms of rows; draining back to back would make dozens of 6-row batches.
      expect(sink.batches.length).toBeLessThanOrEqual(8);
      expect(Math.min(...sink.batches.slice(0, -1))).toBeGreaterThanOrEqual(40);
      await writer.close();
    });

    it('writes a full batch at once, without waiting for the interval', async () => {
      vi.useFakeTimers();
      const sink = new FlakySink();
      const writer = new RequestLogWriter(sink, silent, { batchSize: 10, flushIntervalMs: 10_000 });
      for (let i = 0; i < 25; i++) writer.enqueue(row(i));
      await vi.advanceTimersByTimeAsync(20);
      expect(sink.batches).toEqual([10, 10]);
      vi.useRealTimers();
      await writer.flush();
      expect(sink.written).toHaveLength(25);
      await writer.close();
    });

    it('gives a flush called during a write the rows queued after it began', async () => {
      const sink = new FlakySink();
      const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 10_000 });
      writer.enqueue(row(1));
      const first = writer.flush();
      writer.enqueue(row(2));
      await writer.flush();
      await first;
      expect(sink.written.map((r) => r.request_id)).toEqual(['r1', 'r2']);
      await writer.close();
    });
  });

  it('keeps rows through insert failures and writes them on close', async () => {
    const sink = new FlakySink();
    sink.failNext = 2;
    const writer = new RequestLogWriter(sink, silent, { batchSize: 5, flushIntervalMs: 10_000 });
    for (let i = 0; i < 12; i++) writer.enqueue(row(i));
    await writer.close();
    expect(sink.written).toHaveLength(12);
    expect(writer.pending).toBe(0);
  });
});

describe('a row the database refuses', () => {
  /** Refuses every batch holding a row whose model is `poison`, as a database refuses a value. */
  class RefusingSink extends FlakySink {
    /** What it refuses: rows modelled `poison`, every row, or (once the operator fixed it) none. */
    refuse: 'poison' | 'all' | 'none' = 'poison';
    override async insertMany(rows: readonly NewRequestLog[]): Promise<void> {
      const refused =
        this.refuse === 'all' || (this.refuse === 'poison' && rows.some((r) => r.model === 'poison'));
      if (refused) {
        throw Object.assign(new Error('value too long for type character varying(255)'), { code: '22001' });
      }
      await super.insertMany(rows);
    }
    refusesRows(error: unknown): boolean {
      return (error as { code?: unknown }).code === '22001';
    }
  }

  function capturingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'error' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    return { logger, lines };
  }

  it('is set aside, logged whole, while every other row is written in order; offered again at shutdown', async () => {
    const sink = new RefusingSink();
    const { logger, lines } = capturingLogger();
    const writer = new RequestLogWriter(sink, logger, { batchSize: 100, flushIntervalMs: 10_000 });
    const rows = Array.from({ length: 40 }, (_, i) => ({ ...row(i), model: i % 13 === 5 ? 'poison' : 'm' }));
    for (const r of rows) writer.enqueue(r);
    await writer.flush();
    const poisoned = rows.filter((r) => r.model === 'poison');
    expect(poisoned).toHaveLength(3);
    expect(sink.written.map((r) => r.request_id)).toEqual(
      rows.filter((r) => r.model !== 'poison').map((r) => r.request_id),
    );
    const setAside = lines.filter((line) => String(line.msg).includes('set aside'));
    expect(setAside.map((line) => line.row)).toEqual(poisoned);
    expect(writer.pending).toBe(0);
    expect(writer.setAside).toBe(3);
    // Still refused at shutdown: given up, and said so.
    await writer.close();
    expect(lines.at(-1)).toMatchObject({ lost: 3, msg: expect.stringContaining('given up at shutdown') });
  });

  it('writes a set-aside row once the database takes it, and logs a refused row without its bodies', async () => {
    const sink = new RefusingSink();
    const { logger, lines } = capturingLogger();
    const writer = new RequestLogWriter(sink, logger, { batchSize: 100, flushIntervalMs: 10_000 });
    const bodies = { request: { text: 'secret prompt', bytes: 13, truncated: false }, response: null };
    writer.enqueue(row(1));
    writer.enqueue({ ...row(2), model: 'poison', bodies } as NewRequestLog);
    await writer.flush();
    expect(writer.setAside).toBe(1);
    expect(JSON.stringify(lines)).not.toContain('secret prompt');
    expect(lines[0]?.row).toMatchObject({ request_id: 'r2', bodies: 'left out of this log' });
    // The operator fixed what the database refused (a column widened, say).
    sink.refuse = 'none';
    await writer.close();
    expect(sink.written.map((r) => r.request_id)).toEqual(['r1', 'r2']);
    expect(writer.setAside).toBe(0);
  });

  it('offers a set-aside row again a minute later, with the next pass', async () => {
    vi.useFakeTimers();
    try {
      const sink = new RefusingSink();
      const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 1_000 });
      writer.enqueue({ ...row(1), model: 'poison' });
      await vi.advanceTimersByTimeAsync(1_100);
      expect(writer.setAside).toBe(1);
      sink.refuse = 'none';
      writer.enqueue(row(2));
      await vi.advanceTimersByTimeAsync(1_100);
      // Not yet a minute: only the new row.
      expect(sink.written.map((r) => r.request_id)).toEqual(['r2']);
      await vi.advanceTimersByTimeAsync(60_000);
      writer.enqueue(row(3));
      await vi.advanceTimersByTimeAsync(1_100);
      expect(sink.written.map((r) => r.request_id)).toEqual(['r2', 'r1', 'r3']);
      expect(writer.setAside).toBe(0);
      await writer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes a refusal of row after row, none written, for the database: the batch waits, nothing is lost', async () => {
    const sink = new RefusingSink();
    sink.refuse = 'all';
    const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 10_000 });
    for (let i = 0; i < 40; i++) writer.enqueue(row(i));
    await writer.flush();
    expect(writer.setAside).toBe(16);
    expect(writer.pending).toBe(24);
    sink.refuse = 'none';
    await writer.close();
    expect(sink.written.map((r) => r.request_id).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `r${i}`).sort(),
    );
  });

  it('does not split a batch that failed for another reason, and loses nothing when one comes midway', async () => {
    class Sink extends RefusingSink {
      calls = 0;
      override async insertMany(rows: readonly NewRequestLog[]): Promise<void> {
        this.calls += 1;
        // The database goes away while the batch is being written in halves.
        if (this.calls === 3 || this.calls === 4) throw new Error('connection terminated');
        await super.insertMany(rows);
      }
    }
    const sink = new Sink();
    const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 10_000 });
    const rows = Array.from({ length: 16 }, (_, i) => ({ ...row(i), model: i === 11 ? 'poison' : 'm' }));
    for (const r of rows) writer.enqueue(r);
    await writer.close();
    expect(sink.written.map((r) => r.request_id)).toEqual(
      rows.filter((r) => r.model !== 'poison').map((r) => r.request_id),
    );
    expect(writer.pending).toBe(0);
  });

  it('is retried like any failure when the sink cannot tell a refusal', async () => {
    const sink = new FlakySink();
    sink.failNext = 2;
    const writer = new RequestLogWriter(sink, silent, { batchSize: 100, flushIntervalMs: 10_000 });
    for (let i = 0; i < 8; i++) writer.enqueue(row(i));
    await writer.close();
    expect(sink.batches).toEqual([8]);
  });
});
