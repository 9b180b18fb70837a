import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockReply, type MockUpstream } from '../mock-upstream/index.ts';
import { logRows, startTestGateway, type TestGateway } from '../support/test-gateway.ts';

/**
 * Fault injection under load: six channels of equal priority and weight for one model, five of them
 * failing in their own way — one of them only from the middle of the run, when its upstream is
 * killed — and one healthy. Every request must succeed, and every log row must say which channels
 * were tried and what each did.
 */

interface Faulty {
  name: string;
  reply: MockReply;
  /** What the log's attempts list says for this channel's failures. */
  outcomes: string[];
}

const faulty: Faulty[] = [
  { name: 'errors', reply: { kind: 'error', status: 500 }, outcomes: ['500'] },
  {
    name: 'limited',
    reply: { kind: 'error', status: 429, headers: { 'retry-after': '1' } },
    outcomes: ['429'],
  },
  { name: 'hanging', reply: { kind: 'hang' }, outcomes: ['timeout'] },
  { name: 'resetting', reply: { kind: 'reset' }, outcomes: ['reset'] },
];

const total = 500;
const concurrency = 50;

let test: TestGateway;
let key: string;
const mocks = new Map<string, MockUpstream>();
const channelIds = new Map<number, string>();

beforeAll(async () => {
  test = await startTestGateway({
    env: {
      // Long enough that the healthy channel never times out when a busy test machine stalls this
      // process (client, gateway and upstreams all share it) for a few hundred milliseconds.
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1000',
      CIRCUIT_BREAKER_COOLDOWN_MS: '500',
      UPSTREAM_RETRY_BACKOFF_BASE_MS: '5',
      UPSTREAM_RETRY_BACKOFF_MAX_MS: '50',
    },
  });
  const channels: [string, MockReply][] = [
    ...faulty.map((entry): [string, MockReply] => [entry.name, entry.reply]),
    ['doomed', { kind: 'echo' }],
    ['healthy', { kind: 'echo' }],
  ];
  for (const [name, reply] of channels) {
    const mock = await startMockUpstream();
    mock.setDefault(reply);
    mocks.set(name, mock);
    const id = await test.addChannel({
      name,
      provider: 'openai',
      base_url: `${mock.url}/v1`,
      api_key: `sk-${name}`,
      models: ['load'],
    });
    channelIds.set(id, name);
  }
  key = await test.createKey();
});
afterAll(async () => {
  await test?.close();
  await Promise.all([...mocks.values()].map((mock) => mock.close()));
});

/** One request, streamed or not; resolves with what the client got, or a description of what went wrong. */
async function ask(index: number): Promise<string> {
  const stream = index % 2 === 0;
  const response = await fetch(`${test.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'load', stream, messages: [{ role: 'user', content: `n${index}` }] }),
  });
  const text = await response.text();
  if (response.status !== 200) return `HTTP ${response.status}: ${text}`;
  if (!stream)
    return (JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  if (!text.endsWith('data: [DONE]\n\n') || text.includes('"error"')) return `broken stream: ${text}`;
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: {'))
    .map(
      (frame) =>
        (JSON.parse(frame.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
          .content ?? '',
    )
    .join('');
}

describe('500 requests, 50 at a time, with one healthy channel left', () => {
  it('all succeed, and the log shows which channels were tried and why', async () => {
    const answers = new Array<string>(total);
    let next = 0;
    let done = 0;
    let killed: Promise<void> | undefined;
    const worker = async () => {
      while (next < total) {
        const index = next++;
        answers[index] = await ask(index);
        done += 1;
        // Halfway through, the `doomed` channel's upstream dies, with requests in flight.
        if (done === total / 2) killed = mocks.get('doomed')!.close();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await killed;

    const failures = answers.flatMap((answer, index) =>
      answer === `echo: n${index}` ? [] : [`#${index}: ${answer}`],
    );
    expect(failures).toEqual([]);

    const rows = await logRows(test, `?limit=${total}`);
    expect(rows).toHaveLength(total);
    const seen = new Map<string, Set<string>>();
    for (const row of rows) {
      expect(row.status).toBe(200);
      const attempts = row.attempts as { channel: number; outcome: string }[];
      const names = attempts.map((attempt) => channelIds.get(attempt.channel)!);
      expect(new Set(names).size).toBe(names.length);
      const last = attempts.at(-1)!;
      expect(last.outcome).toBe('ok');
      expect(['healthy', 'doomed']).toContain(channelIds.get(last.channel));
      expect(row.channel_id).toBe(last.channel);
      for (const [index, attempt] of attempts.entries()) {
        const name = names[index]!;
        if (!seen.has(name)) seen.set(name, new Set());
        seen.get(name)!.add(attempt.outcome);
      }
    }
    // Every failing channel was tried, and failed as it was made to.
    for (const entry of faulty) {
      expect([...(seen.get(entry.name) ?? [])]).toEqual(entry.outcomes);
    }
    // The killed channel served until it died, then refused connections (or broke those in flight).
    const doomed = seen.get('doomed') ?? new Set();
    expect(doomed.has('ok')).toBe(true);
    expect([...doomed].some((outcome) => outcome === 'connect_error' || outcome === 'reset')).toBe(true);
    expect([...doomed].every((outcome) => ['ok', 'connect_error', 'reset'].includes(outcome))).toBe(true);

    // The breakers of the channels that kept failing are open (or probing) by the end.
    const { body } = await test.api('GET', '/api/channel/', undefined, test.adminToken);
    const breakers = Object.fromEntries(
      (body.data as unknown as { name: string; health: { breaker: string } }[]).map((channel) => [
        channel.name,
        channel.health.breaker,
      ]),
    );
    expect(breakers.healthy).toBe('closed');
    for (const name of ['errors', 'hanging', 'resetting', 'doomed'])
      expect(breakers[name]).not.toBe('closed');
  });
});
