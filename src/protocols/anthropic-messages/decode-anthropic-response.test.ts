import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { fixtureFiles, readFixtureJson } from '../../../test/support/fixtures.ts';
import { jsonResponseToolName } from './anthropic-json-response-tool.ts';
import { decodeAnthropicResponse } from './decode-anthropic-response.ts';

const decodeFixture = (name: string) => decodeAnthropicResponse(readFixtureJson(`anthropic/${name}`));

const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

describe('decodeAnthropicResponse on every recorded response', () => {
  it.each(fixtureFiles('anthropic', '.json'))('%s decodes', (path) => {
    const response = decodeAnthropicResponse(readFixtureJson(path));
    expect(response.id).toMatch(/^msg_/);
    expect(response.model).toMatch(/^claude-/);
    expect(response.usage?.outputTokens).toBeGreaterThan(0);
    expect(response.finishReason.raw).not.toBe('');
    for (const part of response.content) {
      if (part.type === 'tool-call') expect(() => JSON.parse(part.arguments)).not.toThrow();
    }
  });
});

describe('decodeAnthropicResponse, fixture by fixture', () => {
  it('anthropic-text', () => {
    const response = decodeFixture('anthropic-text.json');
    expect(response).toMatchObject({
      id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        {
          type: 'text',
          text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
        },
      ],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: usage(12, 29),
    });
    expect(response.created).toBeGreaterThan(1_700_000_000);
  });

  it('anthropic-clear-thinking: the signature is kept', () => {
    const response = decodeFixture('anthropic-clear-thinking.1.json');
    expect(response.content).toEqual([
      {
        type: 'thinking',
        text: '925 divided by 5 = 185',
        signature: expect.stringMatching(/^Er4BCkYICxgC.*xRgB$/),
        signatureSource: 'anthropic-messages',
      },
      { type: 'text', text: '925 ÷ 5 = 185' },
    ]);
    expect(response.usage).toEqual(usage(69, 33));
  });

  it('anthropic-json-tool.1: a tool call with its input as JSON text', () => {
    const response = decodeFixture('anthropic-json-tool.1.json');
    const [call] = response.content;
    expect(call).toMatchObject({ type: 'tool-call', id: 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa', name: 'json' });
    if (call?.type !== 'tool-call') return;
    expect(JSON.parse(call.arguments)).toEqual({
      elements: [
        { location: 'San Francisco', temperature: -5, condition: 'snowy' },
        { location: 'London', temperature: 0, condition: 'snowy' },
        { location: 'Paris', temperature: 23, condition: 'cloudy' },
        { location: 'Berlin', temperature: -9, condition: 'snowy' },
      ],
    });
    expect(response.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(response.usage).toEqual(usage(1151, 87));
  });

  it('anthropic-tool-no-args: text then a call with input {}', () => {
    const response = decodeFixture('anthropic-tool-no-args.json');
    expect(response.content.map((part) => part.type)).toEqual(['text', 'tool-call']);
    expect(response.content[1]).toEqual({
      type: 'tool-call',
      id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
      name: 'updateIssueList',
      arguments: '{}',
    });
  });

  it('anthropic-refusal and anthropic-refusal-no-details: empty content, content-filter', () => {
    for (const name of ['anthropic-refusal.json', 'anthropic-refusal-no-details.json']) {
      const response = decodeFixture(name);
      expect(response.content).toEqual([]);
      expect(response.finishReason).toEqual({ unified: 'content-filter', raw: 'refusal' });
      expect(response.usage).toEqual(usage(18, 5));
    }
  });

  it('anthropic-fallback: the fallback marker is skipped', () => {
    const response = decodeFixture('anthropic-fallback.json');
    expect(response.model).toBe('claude-opus-4-8');
    expect(response.content).toEqual([
      { type: 'text', text: 'The printing press was invented by Johannes Gutenberg around 1440.' },
    ]);
    expect(response.usage).toEqual(usage(412, 264));
  });

  it('anthropic-web-search-tool: server tool blocks are skipped, every text block is kept in order', () => {
    const response = decodeFixture('anthropic-web-search-tool.1.json');
    expect(response.content.every((part) => part.type === 'text')).toBe(true);
    expect(response.content[0]).toEqual({
      type: 'text',
      text: 'Let me search for more specific tech news from today (September 26, 2024).',
    });
    expect(response.content.length).toBeGreaterThan(3);
    expect(response.usage).toEqual(usage(27118, 600));
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
  });
});

describe('decodeAnthropicResponse, details', () => {
  const base = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', stop_sequence: null };

  it('counts cache reads and writes into the input tokens', () => {
    const response = decodeAnthropicResponse({
      ...base,
      content: [],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: 3,
        output_tokens: 4,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 20,
      },
    });
    expect(response.usage).toEqual({
      inputTokens: 1023,
      outputTokens: 4,
      cachedInputTokens: 1000,
      cacheWriteTokens: 20,
      reasoningTokens: 0,
    });
  });

  it('maps every documented stop reason', () => {
    const cases: [string | null, string][] = [
      ['end_turn', 'stop'],
      ['stop_sequence', 'stop'],
      ['max_tokens', 'length'],
      ['model_context_window_exceeded', 'length'],
      ['tool_use', 'tool-calls'],
      ['refusal', 'content-filter'],
      ['pause_turn', 'other'],
      ['something_new', 'other'],
      [null, 'other'],
    ];
    for (const [stopReason, unified] of cases) {
      const response = decodeAnthropicResponse({ ...base, content: [], stop_reason: stopReason, usage: {} });
      expect(response.finishReason).toEqual({ unified, raw: stopReason ?? '' });
    }
  });

  it('keeps redacted thinking as opaque data', () => {
    const response = decodeAnthropicResponse({
      ...base,
      content: [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy' }],
      stop_reason: 'end_turn',
      usage: {},
    });
    expect(response.content).toEqual([{ type: 'thinking', text: '', redactedData: 'EmwKAhgBEgy' }]);
  });

  it('turns the reserved JSON-response tool call back into text, finishing with stop', () => {
    const response = decodeAnthropicResponse({
      ...base,
      content: [
        { type: 'tool_use', id: 'toolu_1', name: jsonResponseToolName, input: { city: 'Paris', n: 2 } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 2 },
    });
    expect(response.content).toEqual([{ type: 'text', text: '{"city":"Paris","n":2}' }]);
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
  });

  it('throws the mapped error for an error body, and a 502 for a body that is not a message', () => {
    expect(() =>
      decodeAnthropicResponse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ).toThrow(expect.objectContaining({ status: 503, code: 'upstream_unavailable' }));
    for (const body of [null, 'text', { ...base }]) {
      expect(() => decodeAnthropicResponse(body)).toThrow(GatewayError);
      expect(() => decodeAnthropicResponse(body)).toThrow(expect.objectContaining({ status: 502 }));
    }
  });
});
