/**
 * What recording one relay request costs (not a test): `npx tsx src/observability/metrics-microbench.ts`.
 * One "request" is what the relay records for a successful call: the request counter and both
 * histograms, three token counters and the credits counter, over a realistic spread of labels.
 */
import { GatewayMetrics } from './metrics.ts';

const metrics = new GatewayMetrics();
const surfaces = ['openai', 'anthropic', 'gemini', 'provider-scoped'];
const models = Array.from({ length: 40 }, (_, index) => `model-${index}`);
const statuses = [200, 200, 200, 200, 200, 200, 200, 429, 502, 400];

function recordRequest(index: number): void {
  const model = models[index % models.length]!;
  metrics.observeRequest({
    surface: surfaces[index % surfaces.length]!,
    model,
    status: statuses[index % statuses.length]!,
    durationSeconds: (index % 5000) / 100,
    overheadSeconds: (index % 100) / 100_000,
  });
  metrics.countTokens(model, { input: 900 + (index % 300), output: 200, cached: index % 3 === 0 ? 512 : 0 });
  metrics.countCredits(model, 1_250);
}

function measure(count: number): number {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) recordRequest(index);
  return Number(process.hrtime.bigint() - started) / count;
}

measure(200_000); // warm-up: JIT and every label child created
const rounds = [1, 2, 3, 4, 5].map(() => measure(1_000_000));
const best = Math.min(...rounds);
const median = [...rounds].sort((a, b) => a - b)[2]!;
console.log(
  `recording one request: median ${median.toFixed(0)} ns, best ${best.toFixed(0)} ns (5 rounds of 1,000,000)`,
);
const scrapeStarted = process.hrtime.bigint();
const text = await metrics.render();
const scrapeMs = Number(process.hrtime.bigint() - scrapeStarted) / 1e6;
console.log(`one scrape: ${scrapeMs.toFixed(1)} ms, ${text.split('\n').length} lines`);
