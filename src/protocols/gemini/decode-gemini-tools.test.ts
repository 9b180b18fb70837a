import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';

const decode = (body: unknown) => decodeGeminiRequest(body, { pathModel: 'gemini-2.5-flash' });
const user = (text: string) => ({ role: 'user', parts: [{ text }] });

const errorOf = (body: unknown): GatewayError => {
  try {
    decode(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
};

describe('decodeGeminiTools (through decodeGeminiRequest)', () => {
  it('converts Gemini schemas to JSON Schema and drops Google built-in tools with a warning', () => {
    const { value, warnings } = decode({
      contents: [user('hi')],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'search',
              description: 'Search',
              parameters: {
                type: 'OBJECT',
                properties: {
                  q: { type: 'STRING', nullable: true },
                  n: { type: 'INTEGER', minimum: 1, maxItems: '3' },
                  tags: { type: 'ARRAY', items: { type: 'STRING', enum: ['a', 'b'] } },
                },
                required: ['q'],
                propertyOrdering: ['q', 'n'],
              },
            },
            { name: 'noop' },
          ],
        },
        { googleSearch: {} },
      ],
    });
    expect(value.tools).toEqual([
      {
        name: 'search',
        description: 'Search',
        parameters: {
          type: 'object',
          properties: {
            q: { type: ['string', 'null'] },
            n: { type: 'integer', minimum: 1, maxItems: 3 },
            tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
          },
          required: ['q'],
        },
      },
      { name: 'noop', parameters: { type: 'object', properties: {} } },
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-tool', field: 'tools[1].googleSearch' }),
    ]);
  });

  it.each([
    [{ mode: 'AUTO' }, 'auto', 2],
    [{ mode: 'NONE' }, 'none', 2],
    [{ mode: 'ANY' }, 'required', 2],
    [{ mode: 'any', allowedFunctionNames: ['b'] }, { type: 'tool', name: 'b' }, 2],
    [{ mode: 'ANY', allowedFunctionNames: ['a', 'c'] }, 'required', 1],
  ])('function calling config %j → tool choice %j', (config, choice, toolCount) => {
    const { value } = decode({
      contents: [user('hi')],
      tools: [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }] }],
      toolConfig: { functionCallingConfig: config },
    });
    expect(value.toolChoice).toEqual(choice);
    expect(value.tools).toHaveLength(toolCount);
  });

  it('maps VALIDATED to auto with a warning, and refuses unknown modes', () => {
    const body = (mode: string) => ({
      contents: [user('hi')],
      tools: [{ functionDeclarations: [{ name: 'a' }] }],
      toolConfig: { functionCallingConfig: { mode } },
    });
    const validated = decode(body('VALIDATED'));
    expect(validated.value.toolChoice).toBe('auto');
    expect(validated.warnings).toEqual([expect.objectContaining({ type: 'changed-value' })]);
    expect(errorOf(body('SOMETIMES')).param).toBe('toolConfig.functionCallingConfig.mode');
  });
});
