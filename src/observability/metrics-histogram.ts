import { Histogram, type Registry } from 'prom-client';
import { MetricsChildCache } from './metrics-child-cache.ts';

type HistogramMetric = Awaited<ReturnType<Histogram['get']>>;
type HistogramValue = HistogramMetric['values'][number];

/** One label set's observations: a count per bucket (not cumulative), their sum and number. */
export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= bounds[index]!) {
        this.counts[index]! += 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

export interface MetricsHistogramOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  registry: Registry;
  maxSeries: number;
}

/**
 * prom-client's Histogram, exported from counts kept in cached children: an observation is a short
 * scan of the bounds and three additions, where prom-client's own `observe` validates and hashes
 * its labels each time. The text is still rendered by prom-client, from the same figures.
 */
class PrecomputedHistogram extends Histogram {
  /** An unregistered, never observed twin: the metric's name, help and type as prom-client states them. */
  readonly #template: Histogram;
  readonly #name: string;
  readonly #bounds: readonly number[];

  constructor(
    options: MetricsHistogramOptions,
    private readonly children: readonly HistogramChild[],
  ) {
    const configuration = {
      name: options.name,
      help: options.help,
      labelNames: [...options.labelNames],
      buckets: [...options.buckets],
    };
    super({ ...configuration, registers: [options.registry] });
    this.#template = new Histogram({ ...configuration, registers: [] });
    this.#name = options.name;
    this.#bounds = options.buckets;
  }

  override async get(): Promise<HistogramMetric> {
    const template = await this.#template.get();
    return { ...template, values: this.children.flatMap((child) => this.#values(child)) };
  }

  /** What the registry renders: prom-client's Registry reads this instead of `get` when it exists. */
  getForPromString(): Promise<HistogramMetric> {
    return this.get();
  }

  #values(child: HistogramChild): HistogramValue[] {
    const bucket = `${this.#name}_bucket`;
    const values: HistogramValue[] = [];
    let cumulative = 0;
    this.#bounds.forEach((bound, index) => {
      cumulative += child.counts[index]!;
      values.push({ labels: { le: bound, ...child.labels }, value: cumulative, metricName: bucket });
    });
    values.push(
      { labels: { le: '+Inf', ...child.labels }, value: child.count, metricName: bucket },
      { labels: { ...child.labels }, value: child.sum, metricName: `${this.#name}_sum` },
      { labels: { ...child.labels }, value: child.count, metricName: `${this.#name}_count` },
    );
    return values;
  }
}

/** A histogram with cached label children; see `PrecomputedHistogram`. */
export class MetricsHistogram {
  readonly #children: MetricsChildCache<HistogramChild>;

  constructor(options: MetricsHistogramOptions) {
    const all: HistogramChild[] = [];
    const labelNames = [...options.labelNames];
    const bounds = [...options.buckets].sort((a, b) => a - b);
    new PrecomputedHistogram({ ...options, buckets: bounds }, all);
    this.#children = new MetricsChildCache<HistogramChild>(
      (values) => {
        const labels = Object.fromEntries(labelNames.map((name, index) => [name, values[index]!]));
        const child = new HistogramChild(labels, bounds);
        all.push(child);
        return child;
      },
      labelNames.length,
      options.maxSeries,
    );
  }

  /** The child for these label values, in `labelNames` order. */
  child(values: readonly string[]): HistogramChild {
    return this.#children.get(values);
  }
}
