import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../core/chat-request.ts';
import { ToolNameMap } from './tool-name-map.ts';

const request = (names: string[]): ChatRequest => ({
  model: 'm',
  system: [],
  stream: false,
  tools: names.map((name) => ({ name, parameters: { type: 'object' } })),
  toolChoice: { type: 'tool', name: names[0]! },
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    {
      role: 'assistant',
      content: [{ type: 'tool-call', id: 'c1', name: names[0]!, arguments: '{}' }],
    },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: names[0]!, content: [] }] },
  ],
});

describe('ToolNameMap', () => {
  it('leaves a request whose names the target takes as it is', () => {
    const original = request(['get_weather', 'get-time']);
    expect(ToolNameMap.forRequest(original, 'openai-chat').requestForUpstream(original)).toBe(original);
  });

  it('renames every use of a refused name, apart from the names the request already has', () => {
    const original = request(['get.weather', 'get_weather', 'ns:x']);
    const names = ToolNameMap.forRequest(original, 'anthropic-messages');
    const sent = names.requestForUpstream(original);
    const declared = sent.tools!.map((tool) => tool.name);
    expect(declared[1]).toBe('get_weather');
    expect(declared[2]).toBe('ns_x');
    expect(new Set(declared).size).toBe(3);
    for (const name of declared) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(sent.toolChoice).toEqual({ type: 'tool', name: declared[0] });
    expect(sent.messages[1]).toMatchObject({ content: [{ name: declared[0] }] });
    expect(sent.messages[2]).toMatchObject({ content: [{ name: declared[0] }] });
    expect(original.tools![0]!.name).toBe('get.weather');
    // The same request gives the same names (a later turn of the conversation).
    const again = ToolNameMap.forRequest(original, 'anthropic-messages').requestForUpstream(original);
    expect(again.tools!.map((tool) => tool.name)).toEqual(declared);
  });

  it('gives Gemini a name that starts with a letter or _, and keeps its dots and colons', () => {
    const original = request(['3d_render', 'ns:get.time']);
    const declared = ToolNameMap.forRequest(original, 'gemini')
      .requestForUpstream(original)
      .tools!.map((tool) => tool.name);
    expect(declared).toEqual(['_3d_render', 'ns:get.time']);
  });

  it('names the answer back, whole and streamed; names it did not give pass as they are', () => {
    const original = request(['get.weather']);
    const names = ToolNameMap.forRequest(original, 'openai-chat');
    const sent = names.requestForUpstream(original).tools![0]!.name;
    const response = names.responseForClient({
      id: 'r',
      model: 'm',
      created: 0,
      content: [
        { type: 'tool-call', id: 'a', name: sent, arguments: '{}' },
        { type: 'tool-call', id: 'b', name: 'other', arguments: '{}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: undefined,
    });
    expect(response.content.map((part) => (part.type === 'tool-call' ? part.name : ''))).toEqual([
      'get.weather',
      'other',
    ]);
    expect(names.eventForClient({ type: 'tool-call-start', index: 0, id: 'a', name: sent })).toMatchObject({
      name: 'get.weather',
    });
  });

  it('cuts a name longer than 64 to one the target takes', () => {
    const long = `a.${'b'.repeat(80)}`;
    const original = request([long]);
    const [name] = ToolNameMap.forRequest(original, 'openai-chat')
      .requestForUpstream(original)
      .tools!.map((tool) => tool.name);
    expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it('warns once per renamed function, naming it, its upstream name and why', () => {
    // get.weather is declared, forced and in the history: one warning all the same.
    const original = request(['get.weather', 'get_time']);
    const names = ToolNameMap.forRequest(original, 'anthropic-messages');
    expect(names.warnings).toEqual([
      {
        type: 'changed-value',
        field: 'get.weather',
        message:
          "Function 'get.weather' was sent to the upstream as 'get_weather' (the Anthropic Messages API " +
          "refuses '.' in function names); answers name it 'get.weather' again",
      },
    ]);
    const gemini = ToolNameMap.forRequest(request(['3d_render']), 'gemini');
    expect(gemini.warnings).toEqual([
      expect.objectContaining({
        field: '3d_render',
        message: expect.stringContaining(
          "as '_3d_render' (the Gemini API refuses function names that do not start with a letter or '_')",
        ) as string,
      }),
    ]);
  });

  it('warns of nothing when nothing is renamed, with one shared empty list', () => {
    const plain = request(['get_weather']);
    const noFunctions: ChatRequest = { ...plain, tools: undefined, toolChoice: undefined, messages: [] };
    expect(ToolNameMap.forRequest(plain, 'openai-chat').warnings).toEqual([]);
    // The common case, a request naming no function, allocates no list of its own.
    expect(ToolNameMap.forRequest(noFunctions, 'gemini').warnings).toBe(
      ToolNameMap.forRequest(noFunctions, 'openai-chat').warnings,
    );
    expect(ToolNameMap.forRequest(plain, 'openai-chat').warnings).toBe(
      ToolNameMap.forRequest(noFunctions, 'openai-chat').warnings,
    );
  });
});
