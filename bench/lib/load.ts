// One autocannon run against one target, reduced to the numbers the report needs.
import autocannon from 'autocannon';

export interface LoadOptions {
  /** Target origin, e.g. http://127.0.0.1:3000. */
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSeconds: number;
  expectBodyIncludes: string[];
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface Measurement {
  durationSeconds: number;
  responses2xx: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon's `errors`, which includes `timeouts`). */
  errors: number;
  timeouts: number;
  /** Responses whose body lacked one of `expectBodyIncludes`; autocannon checks non-2xx bodies too. */
  mismatches: number;
  statusCodes: Record<string, number>;
  /** 2xx responses per second of wall time. */
  requestsPerSecond: number;
  /**
   * autocannon's own histogram: it records whole milliseconds (a 0.06 ms response is recorded as 0),
   * so its percentiles are integers.
   */
  autocannonLatency: LatencySummary;
  /** Percentiles of the per-request durations autocannon measures with process.hrtime (2xx only). */
  hrtimeLatency: LatencySummary;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

function summarize(durations: number[]): LatencySummary {
  const sorted = Float64Array.from(durations).sort();
  const total = durations.reduce((sum, value) => sum + value, 0);
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: durations.length === 0 ? Number.NaN : total / durations.length,
  };
}

export function runLoad(options: LoadOptions): Promise<Measurement> {
  const durations: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: new URL(options.path, options.url).href,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationSeconds,
        // Latency statistics over successful responses only.
        excludeErrorStats: true,
        verifyBody: (body) =>
          typeof body === 'string' && options.expectBodyIncludes.every((part) => body.includes(part)),
      },
      (error: unknown, result: autocannon.Result) => {
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
          statusCodes[code] = stats.count ?? 0;
        }
        resolve({
          durationSeconds: result.duration,
          responses2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          mismatches: result.mismatches,
          statusCodes,
          requestsPerSecond: result.duration > 0 ? result['2xx'] / result.duration : 0,
          autocannonLatency: {
            p50Ms: result.latency.p50,
            p99Ms: result.latency.p99,
            meanMs: result.latency.mean,
          },
          hrtimeLatency: summarize(durations),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) durations.push(responseTime);
    });
  });
}
