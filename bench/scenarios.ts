// What the benchmark measures. Adding a client format or an upstream format is adding a row.
//
// Each scenario is sent, byte for byte, to both targets:
// - the bare proxy forwards it unchanged to the mock upstream (which speaks all three wire formats),
//   with the upstream's key, so it measures "this client request answered by an upstream that speaks
//   it, through nothing but a socket hop";
// - Switchboard receives it with a gateway key and serves it through a channel of `upstream.provider`
//   pointing at the mock.

/** Which header carries the key, as each client SDK sends it (API.md §1). */
export type KeyHeader = 'authorization-bearer' | 'x-api-key' | 'x-goog-api-key';

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
  /** The Switchboard channel that serves this scenario. */
  upstream: {
    provider: string;
    model: string;
    /** Appended to the mock's URL to make the channel's `base_url` (API.md §3). */
    baseUrlPath: string;
  };
}

const openaiUpstream = { provider: 'openai', model: 'gpt-4o-mini', baseUrlPath: '/v1' };
const openaiChatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] };

export const SCENARIOS: Scenario[] = [
  {
    name: 'openai-chat',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    keyHeader: 'authorization-bearer',
    body: openaiChatBody,
    expectBodyIncludes: ['"choices"'],
    upstream: openaiUpstream,
  },
  {
    name: 'openai-chat-stream',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    keyHeader: 'authorization-bearer',
    body: { ...openaiChatBody, stream: true },
    expectBodyIncludes: ['data: [DONE]'],
    upstream: openaiUpstream,
  },
];

export const CONNECTION_COUNTS = [1, 32];

/** Pass/miss thresholds (per scenario). */
export const GOALS = {
  /** At this many connections, Switchboard's requests/s over the bare proxy's must be at least `minThroughputRatio`. */
  throughputConnections: 32,
  minThroughputRatio: 0.75,
  /** At this many connections, Switchboard's p50 minus the bare proxy's must be at most `maxAddedP50Ms`. */
  latencyConnections: 1,
  maxAddedP50Ms: 0.3,
};

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
