import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { BreakerState } from '../routing/circuit-breaker.ts';
import { MetricsCounter, type CounterChild } from './metrics-counter.ts';
import { MetricsHistogram } from './metrics-histogram.ts';

/** One finished relay request, as the relay measured it. */
export interface RequestObservation {
  /** `openai`, `anthropic`, `gemini`, `provider-scoped`. */
  surface: string;
  /** The catalog model (not whatever the client typed: label values must stay few). */
  model: string;
  /** The HTTP status sent to the client. */
  status: number;
  /** From the request's arrival to its last byte. */
  durationSeconds: number;
  /** Time spent in the gateway itself, upstream time excluded. */
  overheadSeconds: number;
}

export interface TokenCounts {
  input?: number;
  output?: number;
  cached?: number;
}

export interface BreakerReading {
  channel: string;
  state: BreakerState;
}

export interface GatewayMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop lag, GC) too (default true). */
  defaultMetrics?: boolean;
  /** Distinct label sets per metric before new ones read `other` (default 2,000). */
  maxSeriesPerMetric?: number;
}

/** Spans LLM calls: a cached 5 ms answer to a two-minute generation. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** The gateway's own share of a request: 100 µs to 100 ms. */
const overheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

const breakerValues: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The gateway's Prometheus metrics, in a registry of their own (not prom-client's global one, so
 * several gateways in one process, as in tests, do not collide). Recording touches only cached
 * label children (plain additions); prom-client gets the figures, and the breaker states from
 * their callback, when it is scraped.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests: MetricsCounter;
  readonly #durations: MetricsHistogram;
  readonly #overheads: MetricsHistogram;
  readonly #tokens: MetricsCounter;
  readonly #credits: MetricsCounter;
  readonly #upstreamErrors: MetricsCounter;
  readonly #rateLimitRefusals: MetricsCounter;
  readonly #creditRefusals: CounterChild;
  #breakerSource: () => Iterable<BreakerReading> = () => [];
  readonly #statusTexts = new Map<number, string>();

  constructor(options: GatewayMetricsOptions = {}) {
    const registry = this.registry;
    const maxSeries = options.maxSeriesPerMetric ?? 2000;
    const counter = (name: string, help: string, labelNames: string[]) =>
      new MetricsCounter({ name, help, labelNames, registry, maxSeries });
    const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) =>
      new MetricsHistogram({ name, help, labelNames, buckets, registry, maxSeries });

    this.#requests = counter(
      'switchboard_requests_total',
      'Relay requests answered, by client surface, model and HTTP status.',
      ['surface', 'model', 'status'],
    );
    this.#durations = histogram(
      'switchboard_request_duration_seconds',
      'Relay request duration, from arrival to the last byte sent.',
      ['surface', 'model'],
      durationBuckets,
    );
    this.#overheads = histogram(
      'switchboard_overhead_seconds',
      'Time spent in the gateway itself per relay request, upstream time excluded.',
      ['surface'],
      overheadBuckets,
    );
    this.#tokens = counter(
      'switchboard_tokens_total',
      'Tokens metered, by model and kind (input, output, cached).',
      ['model', 'kind'],
    );
    this.#credits = counter(
      'switchboard_credits_total',
      'Micro-credits charged (1 credit = 1,000,000), by model.',
      ['model'],
    );
    this.#upstreamErrors = counter(
      'switchboard_upstream_errors_total',
      'Failed upstream attempts, by channel and error code.',
      ['channel', 'code'],
    );
    this.#rateLimitRefusals = counter(
      'switchboard_ratelimit_refusals_total',
      'Requests refused by a rate limit, by the scope that refused (key, user, ip, ...).',
      ['scope'],
    );
    this.#creditRefusals = counter(
      'switchboard_credit_refusals_total',
      'Requests refused for want of credits.',
      [],
    ).child([]);
    const readBreakers = () => this.#breakerSource();
    new Gauge({
      name: 'switchboard_channel_breaker_state',
      help: 'Circuit breaker state per channel: 0 closed, 1 half-open, 2 open.',
      labelNames: ['channel'],
      registers: [registry],
      collect() {
        this.reset();
        for (const reading of readBreakers()) this.labels(reading.channel).set(breakerValues[reading.state]);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  }

  /** The Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  observeRequest(observation: RequestObservation): void {
    const { surface, model } = observation;
    this.#requests.child([surface, model, this.#statusText(observation.status)]).value += 1;
    this.#durations.child([surface, model]).observe(observation.durationSeconds);
    this.#overheads.child([surface]).observe(observation.overheadSeconds);
  }

  countTokens(model: string, counts: TokenCounts): void {
    if (counts.input && counts.input > 0) this.#tokens.child([model, 'input']).value += counts.input;
    if (counts.output && counts.output > 0) this.#tokens.child([model, 'output']).value += counts.output;
    if (counts.cached && counts.cached > 0) this.#tokens.child([model, 'cached']).value += counts.cached;
  }

  countCredits(model: string, microCredits: number): void {
    if (microCredits > 0) this.#credits.child([model]).value += microCredits;
  }

  countUpstreamError(channel: string, code: string): void {
    this.#upstreamErrors.child([channel, code]).value += 1;
  }

  countRateLimitRefusal(scope: string): void {
    this.#rateLimitRefusals.child([scope]).value += 1;
  }

  countCreditRefusal(): void {
    this.#creditRefusals.value += 1;
  }

  /** Where the breaker gauge reads channel states from, at each scrape. */
  setBreakerSource(source: () => Iterable<BreakerReading>): void {
    this.#breakerSource = source;
  }

  /** Every metric in Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  #statusText(status: number): string {
    let text = this.#statusTexts.get(status);
    if (text === undefined) {
      text = String(status);
      this.#statusTexts.set(status, text);
    }
    return text;
  }
}
