// What the benchmark measures. Adding a client format or an upstream format is adding a row.
//
// Each scenario is sent, byte for byte, to both targets:
// - the bare proxy forwards it unchanged to the mock upstream (which speaks all three wire formats),
//   with the upstream's key, so it measures "this client request answered by an upstream that speaks
//   it, through nothing but a socket hop";
// - Switchboard receives it with a gateway key and serves it through a channel of `upstream.provider`
//   pointing at the mock. When that provider speaks another wire format than the client, Switchboard
//   translates both ways; the bare proxy still forwards the client's request to the mock endpoint of
//   the client's own format, so the floor stays "an upstream that speaks this client's format".

/** Which header carries the key, as each client SDK sends it (API.md §1). */
export type KeyHeader = 'authorization-bearer' | 'x-api-key' | 'x-goog-api-key';

/**
 * What a scenario's latency goal compares Switchboard's p50 with: the bare proxy on the same request
 * (paired per round, as in the tables), or Switchboard's own p50 on another scenario (the
 * same-format path a translation scenario is measured against), paired per round: every round
 * sweeps every cell, so the two runs of a pair are seconds apart.
 */
export type LatencyBaseline = { target: 'bare-proxy' } | { target: 'switchboard'; scenario: string };

export interface ScenarioGoals {
  /** At this many connections, Switchboard's req/s over the bare proxy's must be at least `minRatio`. */
  throughput: { connections: number; minRatio: number };
  /** At this many connections, Switchboard's p50 minus the baseline's must be at most `maxAddedP50Ms`. */
  latency: { connections: number; maxAddedP50Ms: number; baseline: LatencyBaseline };
}

export interface Scenario {
  /** Unique, kebab-case; used in the tables and in results/latest.json. */
  name: string;
  /** Request path on both targets (query string allowed). Always POST. */
  path: string;
  /** Extra request headers besides the key. */
  headers: Record<string, string>;
  keyHeader: KeyHeader;
  /** JSON request body. */
  body: Record<string, unknown>;
  /** Every 2xx response body must contain all of these, or the response counts as a mismatch. */
  expectBodyIncludes: string[];
  /**
   * The Switchboard channel that serves this scenario. Its provider's wire format need not be the
   * client's: then Switchboard translates, while the bare proxy still forwards the client's request
   * to the mock endpoint that speaks it.
   */
  upstream: {
    provider: string;
    /**
     * Served by exactly one primary channel (the benchmark refuses a table where two upstreams share
     * a model), plus `standbyChannels` if any.
     */
    model: string;
    /** Appended to the mock's URL to make the channel's `base_url` (API.md §3). */
    baseUrlPath: string;
    /**
     * Failover channels for the model at lower priorities (-1, -2, …), of the same provider and
     * pointing at the same mock: they would answer, but a healthy primary never needs them, so they
     * measure what failover costs on the healthy path. The benchmark checks that none of them served
     * a request. Default 0.
     */
    standbyChannels?: number;
  };
  /** Pass/miss thresholds. */
  goals: ScenarioGoals;
}

const openaiUpstream = { provider: 'openai', model: 'gpt-4o-mini', baseUrlPath: '/v1' };
// Anthropic's base URL has no /v1: Switchboard calls `${base_url}/v1/messages`.
const anthropicUpstream = { provider: 'anthropic', model: 'claude-sonnet-4-5', baseUrlPath: '' };

const openaiJson = { 'content-type': 'application/json' };
const anthropicJson = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
const messages = [{ role: 'user', content: 'Say hello' }];

/** The same-format path: Switchboard against a socket hop. */
const RELAY_GOALS: ScenarioGoals = {
  throughput: { connections: 32, minRatio: 0.75 },
  latency: { connections: 1, maxAddedP50Ms: 0.3, baseline: { target: 'bare-proxy' } },
};

/**
 * Translation between wire formats: throughput still against the bare proxy; latency against
 * Switchboard's own same-format stream (`openai-chat-stream`, the same mock reply untranslated), so
 * the difference is what translating costs.
 */
const TRANSLATION_GOALS: ScenarioGoals = {
  throughput: { connections: 32, minRatio: 0.5 },
  latency: {
    connections: 1,
    maxAddedP50Ms: 0.5,
    baseline: { target: 'switchboard', scenario: 'openai-chat-stream' },
  },
};

/**
 * Failover on the healthy path: the same stream as `openai-chat-stream` through the same primary
 * channel, for a model that also has standby channels. Latency against that scenario, with a bound
 * tight enough that any per-request work for the standbys would show.
 */
const STANDBY_GOALS: ScenarioGoals = {
  throughput: { connections: 32, minRatio: 0.75 },
  latency: {
    connections: 1,
    maxAddedP50Ms: 0.05,
    baseline: { target: 'switchboard', scenario: 'openai-chat-stream' },
  },
};

/** Another model the built-in catalog knows, so it can have channels of its own (the standbys). */
const openaiWithStandbys = { ...openaiUpstream, model: 'gpt-4o', standbyChannels: 2 };

export const SCENARIOS: Scenario[] = [
  {
    name: 'openai-chat',
    path: '/v1/chat/completions',
    headers: openaiJson,
    keyHeader: 'authorization-bearer',
    body: { model: openaiUpstream.model, messages },
    expectBodyIncludes: ['"choices"'],
    upstream: openaiUpstream,
    goals: RELAY_GOALS,
  },
  {
    name: 'openai-chat-stream',
    path: '/v1/chat/completions',
    headers: openaiJson,
    keyHeader: 'authorization-bearer',
    body: { model: openaiUpstream.model, messages, stream: true },
    expectBodyIncludes: ['data: [DONE]'],
    upstream: openaiUpstream,
    goals: RELAY_GOALS,
  },
  {
    // `openai-chat-stream` for a model with two standby channels behind the same primary channel.
    name: 'openai-chat-stream-standby',
    path: '/v1/chat/completions',
    headers: openaiJson,
    keyHeader: 'authorization-bearer',
    body: { model: openaiWithStandbys.model, messages, stream: true },
    expectBodyIncludes: ['data: [DONE]'],
    upstream: openaiWithStandbys,
    goals: STANDBY_GOALS,
  },
  {
    // Switchboard: OpenAI chunks translated from an Anthropic-format stream. Bare proxy: the same
    // OpenAI request to the mock's OpenAI endpoint.
    name: 'openai-client-anthropic-upstream-stream',
    path: '/v1/chat/completions',
    headers: openaiJson,
    keyHeader: 'authorization-bearer',
    body: { model: anthropicUpstream.model, messages, stream: true },
    expectBodyIncludes: ['data: [DONE]'],
    upstream: anthropicUpstream,
    goals: TRANSLATION_GOALS,
  },
  {
    // Switchboard: Anthropic events translated from an OpenAI-format stream. Bare proxy: the same
    // Anthropic request to the mock's Anthropic endpoint.
    name: 'anthropic-client-openai-upstream-stream',
    path: '/v1/messages',
    headers: anthropicJson,
    keyHeader: 'x-api-key',
    body: { model: openaiUpstream.model, max_tokens: 256, stream: true, messages },
    expectBodyIncludes: ['event: message_stop'],
    upstream: openaiUpstream,
    goals: TRANSLATION_GOALS,
  },
];

export const CONNECTION_COUNTS = [1, 32];

/** Enough for any failover chain worth measuring; more is a typo. */
export const MAX_STANDBY_CHANNELS = 5;

/** The channels that serve a scenario's model, as a comparable description. */
function channelsText(upstream: Scenario['upstream']): string {
  const standbys = upstream.standbyChannels ?? 0;
  return (
    `${upstream.provider} <mock>${upstream.baseUrlPath}` + (standbys > 0 ? ` + ${standbys} standby` : '')
  );
}

/**
 * What is wrong with a scenario table, before anything is started: duplicate names, a goal at a
 * connection count that is not measured, a latency baseline that is not in the table, a body whose
 * model is not its channel's, a model two different upstreams (or two different sets of standby
 * channels) would serve (the gateway would then pick between channels, and the scenario would not
 * measure the upstream it names), or a scenario with standby channels whose latency baseline is not
 * the same request through the same primary channel without them (then the difference would not be
 * what the standbys cost).
 */
export function scenarioTableProblems(scenarios: Scenario[], connectionCounts: number[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const channelsOfModel = new Map<string, string>();
  for (const scenario of scenarios) {
    const { name, goals, upstream, body } = scenario;
    if (names.has(name)) problems.push(`scenario name ${name} is used twice`);
    names.add(name);
    for (const [kind, { connections }] of Object.entries(goals)) {
      if (!connectionCounts.includes(connections)) {
        problems.push(`${name}: ${kind} goal at ${connections} connections, which are not measured`);
      }
    }
    const standbys = upstream.standbyChannels ?? 0;
    if (!Number.isInteger(standbys) || standbys < 0 || standbys > MAX_STANDBY_CHANNELS) {
      problems.push(`${name}: standbyChannels must be a whole number from 0 to ${MAX_STANDBY_CHANNELS}`);
    }
    const { baseline } = goals.latency;
    const baselineScenario =
      baseline.target === 'switchboard'
        ? scenarios.find((other) => other.name === baseline.scenario)
        : undefined;
    if (baseline.target === 'switchboard') {
      if (baseline.scenario === name) problems.push(`${name}: latency baseline is the scenario itself`);
      else if (baselineScenario === undefined) {
        problems.push(`${name}: latency baseline ${baseline.scenario} is not in the scenario table`);
      }
    }
    if (standbys > 0) {
      const base = baselineScenario;
      const same =
        base !== undefined &&
        base !== scenario &&
        (base.upstream.standbyChannels ?? 0) === 0 &&
        base.upstream.provider === upstream.provider &&
        base.upstream.baseUrlPath === upstream.baseUrlPath &&
        base.path === scenario.path &&
        base.keyHeader === scenario.keyHeader &&
        JSON.stringify({ ...base.body, model: null }) === JSON.stringify({ ...body, model: null });
      if (!same) {
        problems.push(
          `${name}: has standby channels, so its latency baseline must be a Switchboard scenario sending ` +
            'the same request (but for the model) through the same primary channel without standbys',
        );
      }
    }
    if (typeof body.model === 'string' && body.model !== upstream.model) {
      problems.push(`${name}: body model ${body.model} is not the channel's model ${upstream.model}`);
    }
    const channels = channelsText(upstream);
    const other = channelsOfModel.get(upstream.model);
    if (other !== undefined && other !== channels) {
      problems.push(
        `model ${upstream.model} would be served by two sets of channels: ${other} and ${channels}`,
      );
    }
    channelsOfModel.set(upstream.model, channels);
  }
  return problems;
}

/** The key the mock upstream is given: Switchboard's channel holds it, bare-proxy clients send it. */
export const UPSTREAM_API_KEY = 'sk-upstream-test';

export function keyHeaders(keyHeader: KeyHeader, key: string): Record<string, string> {
  switch (keyHeader) {
    case 'authorization-bearer':
      return { authorization: `Bearer ${key}` };
    case 'x-api-key':
      return { 'x-api-key': key };
    case 'x-goog-api-key':
      return { 'x-goog-api-key': key };
    default: {
      const unreachable: never = keyHeader;
      throw new Error(`unknown key header ${String(unreachable)}`);
    }
  }
}
