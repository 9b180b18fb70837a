import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../core/stream-event.ts';
import type { Usage } from '../../core/usage.ts';
import { fixtureFiles, readFixtureJson, readFixtureStream } from '../../../test/support/fixtures.ts';
import { chatRequest, chatResponse, streamEvents } from './anthropic-arbitraries.test-support.ts';
import { anthropicMessages } from './anthropic-protocol.ts';
import { decodeAll, readSse } from './collect-stream-events.test-support.ts';

/** Through JSON, as on the wire. */
const wire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

// ---------- helpers ----------

const zeroUsage: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

/**
 * Usage may come any number of times and the last one counts (core stream-event.ts), and
 * `created` is the decoder's clock: compare the events without them, and the last usage apart.
 */
function normalise(events: StreamEvent[]): { events: StreamEvent[]; usage: Usage } {
  let last = zeroUsage;
  const rest: StreamEvent[] = [];
  for (const event of events) {
    if (event.type === 'usage') last = event.usage;
    else rest.push(event.type === 'message-start' ? { ...event, created: 0 } : event);
  }
  return { events: rest, usage: last };
}

function streamThrough(events: StreamEvent[], chunkSize: number): StreamEvent[] {
  const encoder = anthropicMessages.createStreamEncoder({
    includeUsage: false,
    requestModel: 'claude-client',
    requestId: 'req_1',
  });
  const sse = events.map((event) => encoder.push(event)).join('') + encoder.end();
  return decodeAll(anthropicMessages.createStreamDecoder(), readSse(sse, chunkSize));
}

// ---------- properties ----------

describe('Anthropic Messages round trips (property-based)', () => {
  it('decodeRequest(encodeRequest(x)) equals x, without warnings', () => {
    fc.assert(
      fc.property(chatRequest, (request) => {
        const encoded = anthropicMessages.encodeRequest(request, 'claude-upstream');
        expect(encoded.warnings).toEqual([]);
        const decoded = anthropicMessages.decodeRequest(wire(encoded.value), {});
        expect(decoded.warnings).toEqual([]);
        // structuredClone: fast-check's records have no prototype; the decoder's objects do.
        expect(decoded.value).toStrictEqual(structuredClone(request));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeResponse(encodeResponse(r)) equals r', () => {
    fc.assert(
      fc.property(chatResponse, (response) => {
        const body = anthropicMessages.encodeResponse(response, {
          includeUsage: false,
          requestModel: response.model,
          requestId: 'req_1',
        });
        const decoded = anthropicMessages.decodeResponse(wire(body));
        expect({ ...decoded, created: response.created }).toStrictEqual(structuredClone(response));
      }),
      { numRuns: 300 },
    );
  });

  it('the stream encoder’s SSE, read back in any chunking, decodes to the same events', () => {
    fc.assert(
      fc.property(streamEvents, fc.integer({ min: 1, max: 64 }), (events, chunkSize) => {
        const expected = normalise(structuredClone(events));
        const decoded = normalise(streamThrough(events, chunkSize));
        expect(decoded).toStrictEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Anthropic Messages round trips on the recorded fixtures', () => {
  it.each(fixtureFiles('anthropic', '.json'))('%s: decode → encode → decode is stable', (path) => {
    const response = anthropicMessages.decodeResponse(readFixtureJson(path));
    const body = anthropicMessages.encodeResponse(response, {
      includeUsage: false,
      requestModel: response.model,
      requestId: 'req_1',
    });
    expect({ ...anthropicMessages.decodeResponse(wire(body)), created: response.created }).toStrictEqual(
      response,
    );
  });

  it.each(fixtureFiles('anthropic', '.chunks.txt'))('%s: decode → encode → decode is stable', (path) => {
    const decoded = decodeAll(
      anthropicMessages.createStreamDecoder(),
      readFixtureStream(path, { namedEvents: true }),
    );
    const again = streamThrough(decoded, 16);
    const expected = normalise(decoded);
    expected.events = expected.events.map((event) =>
      event.type === 'message-start' ? { ...event, model: 'claude-client' } : event,
    );
    expect(normalise(again)).toStrictEqual(expected);
  });
});

describe('Anthropic client → core → Anthropic upstream', () => {
  it('a representative client body comes out as it went in (model aside)', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: 'You are a weather bot.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use the tool.', signature: 'EqQBCkYIBxgCKkBn' },
            { type: 'tool_use', id: 'toolu_01A', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01A', content: '18°C' },
            { type: 'text', text: 'And in Rome?' },
          ],
        },
      ],
      tools: [
        { name: 'weather', description: 'Weather now', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 1024 },
      stop_sequences: ['###'],
      stream: true,
      metadata: { user_id: 'u-1' },
    };
    const core = anthropicMessages.decodeRequest(body, {});
    expect(core.warnings).toEqual([]);
    const upstream = anthropicMessages.encodeRequest(core.value, 'claude-sonnet-4-5-20250929');
    expect(upstream.warnings).toEqual([]);
    expect(upstream.value).toEqual({ ...body, model: 'claude-sonnet-4-5-20250929' });
  });
});
