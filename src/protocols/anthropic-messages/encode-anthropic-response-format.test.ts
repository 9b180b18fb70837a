import { describe, expect, it } from 'vitest';
import { jsonResponseToolName } from './anthropic-json-response-tool.ts';
import { encode, fields } from './encode-request.test-support.ts';

describe('encodeAnthropicRequest: response format', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('json-object: an instruction in the system prompt and a warning', () => {
    const { value, warnings } = encode({
      system: [{ type: 'text', text: 'Be brief.' }],
      responseFormat: { type: 'json-object' },
    });
    expect(value.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Respond with a single valid JSON object and nothing else.' },
    ]);
    expect(fields(warnings)).toEqual([['unsupported-setting', 'responseFormat']]);
  });

  it('json-schema: a forced tool with the reserved name and the schema as its input schema', () => {
    const { value, warnings } = encode({
      responseFormat: { type: 'json-schema', name: 'place', schema, description: 'A city' },
    });
    expect(value.tools).toEqual([
      { name: jsonResponseToolName, description: 'Give the answer as place: A city', input_schema: schema },
    ]);
    expect(value.tool_choice).toEqual({ type: 'tool', name: jsonResponseToolName });
    expect(value.system).toBeUndefined();
    expect(fields(warnings)).toEqual([['changed-value', 'responseFormat']]);
  });

  it('json-schema with tools of its own, with thinking, or with a non-object schema: an instruction', () => {
    const withTools = encode({
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      responseFormat: { type: 'json-schema', name: 'place', schema },
    });
    expect(withTools.value.tools).toEqual([{ name: 'f', input_schema: { type: 'object' } }]);
    expect(withTools.value.system).toContain('"required":["city"]');
    const withThinking = encode({
      reasoning: { budgetTokens: 2048 },
      responseFormat: { type: 'json-schema', name: 'p', schema },
    });
    expect(withThinking.value.tools).toBeUndefined();
    expect(withThinking.value.thinking).toBeDefined();
    const arraySchema = encode({
      responseFormat: { type: 'json-schema', name: 'list', schema: { type: 'array' } },
    });
    expect(arraySchema.value.tools).toBeUndefined();
    expect(fields(arraySchema.warnings)).toEqual([['unsupported-setting', 'responseFormat']]);
    expect(encode({ responseFormat: { type: 'text' } }).warnings).toEqual([]);
  });
});
