import { Counter, type Registry } from 'prom-client';
import { MetricsChildCache } from './metrics-child-cache.ts';

/** One label set's count; the hot path adds to `value` directly. */
export interface CounterChild {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricsCounterOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
  registry: Registry;
  maxSeries: number;
}

/**
 * A Prometheus counter whose increments are plain additions to a cached child: prom-client's own
 * `inc` validates and hashes its labels on every call (about a microsecond). The totals are
 * handed to prom-client only when it is scraped.
 */
export class MetricsCounter {
  readonly #children: MetricsChildCache<CounterChild>;
  readonly #all: CounterChild[] = [];

  constructor(options: MetricsCounterOptions) {
    const labelNames = [...options.labelNames];
    this.#children = new MetricsChildCache<CounterChild>(
      (values) => {
        const child: CounterChild = {
          labels: Object.fromEntries(labelNames.map((name, index) => [name, values[index]!])),
          value: 0,
        };
        this.#all.push(child);
        return child;
      },
      labelNames.length,
      options.maxSeries,
    );
    const all = this.#all;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames,
      registers: [options.registry],
      collect() {
        this.reset();
        for (const child of all) this.inc(child.labels, child.value);
      },
    });
  }

  /** The child for these label values, in `labelNames` order. */
  child(values: readonly string[]): CounterChild {
    return this.#children.get(values);
  }
}
