import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../core/chat-response.ts';
import type { FinishReason } from '../../core/finish-reason.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import { encodeGeminiResponse } from './encode-gemini-response.ts';
import { decodeGeminiFinishReason, encodeGeminiFinishReason } from './map-gemini-finish-reason.ts';

const options = { includeUsage: false, requestModel: 'gemini-2.5-pro', requestId: 'req-1' };

const response = (fields: Partial<ChatResponse>): ChatResponse => ({
  id: 'chatcmpl-1',
  model: 'gpt-4o',
  created: 1,
  content: [{ type: 'text', text: 'Hi' }],
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: undefined,
  ...fields,
});

describe('encodeGeminiResponse', () => {
  it('answers as GenerateContentResponse: one model candidate, usage with thoughts apart, the asked model', () => {
    const body = encodeGeminiResponse(
      response({
        usage: {
          inputTokens: 12,
          outputTokens: 40,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 25,
        },
      }),
      options,
    );
    expect(body).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: 12,
        candidatesTokenCount: 15,
        totalTokenCount: 52,
        thoughtsTokenCount: 25,
      },
      modelVersion: 'gemini-2.5-pro',
      responseId: 'chatcmpl-1',
    });
  });

  it('says STOP after function calls, with args as objects and signatures as thoughtSignature', () => {
    const body = encodeGeminiResponse(
      response({
        content: [
          { type: 'tool-call', id: 'toolu_1', name: 'a', arguments: '{"x":[1]}', signature: 'c2ln' },
          { type: 'tool-call', id: embedSignature('call_2', 'c2lnMg=='), name: 'b', arguments: '' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
      }),
      options,
    );
    expect(body.candidates[0]).toEqual({
      content: {
        role: 'model',
        parts: [
          { functionCall: { id: 'toolu_1', name: 'a', args: { x: [1] } }, thoughtSignature: 'c2ln' },
          {
            functionCall: { id: embedSignature('call_2', 'c2lnMg=='), name: 'b', args: {} },
            thoughtSignature: 'c2lnMg==',
          },
        ],
      },
      finishReason: 'STOP',
      index: 0,
    });
  });

  it('gives thoughts with their signature, marking one another provider made', () => {
    const body = encodeGeminiResponse(
      response({
        content: [
          {
            type: 'thinking',
            text: 'Claude thinks.',
            signature: 'EqQB',
            signatureSource: 'anthropic-messages',
          },
          { type: 'thinking', text: 'Gemini thinks.', signature: 'c2lnMQ==', signatureSource: 'gemini' },
          { type: 'text', text: 'Answer.' },
        ],
      }),
      options,
    );
    expect(body.candidates[0]?.content?.parts).toEqual([
      { text: 'Claude thinks.', thought: true, thoughtSignature: 'SwbdAnthEqQB' },
      { text: 'Gemini thinks.', thought: true, thoughtSignature: 'c2lnMQ==' },
      { text: 'Answer.' },
    ]);
  });

  it('sends no thought parts to a client that did not ask for thoughts, only Gemini’s signatures', () => {
    const body = encodeGeminiResponse(
      response({
        content: [
          { type: 'thinking', text: 'Gemini thinks.', signature: 'c2lnMQ==', signatureSource: 'gemini' },
          {
            type: 'thinking',
            text: 'Claude thinks.',
            signature: 'EqQB',
            signatureSource: 'anthropic-messages',
          },
          { type: 'thinking', text: '', signature: 'EqQC', signatureSource: 'anthropic-messages' },
          { type: 'thinking', text: 'DeepSeek reasons.' },
          { type: 'text', text: 'Answer.' },
          { type: 'thinking', text: '', signature: 'c2lnMg==', signatureSource: 'gemini' },
          { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}', signature: 'c2lnMw==' },
        ],
      }),
      { ...options, includeThoughts: false },
    );
    // An Anthropic signature without its thinking text is worthless; an empty one loses nothing.
    expect(body.candidates[0]?.content?.parts).toEqual([
      { text: '', thoughtSignature: 'c2lnMQ==' },
      { text: '', thoughtSignature: 'SwbdAnthEqQC' },
      { text: 'Answer.', thoughtSignature: 'c2lnMg==' },
      { functionCall: { id: 'call_1', name: 'f', args: {} }, thoughtSignature: 'c2lnMw==' },
    ]);
  });

  it('leaves out a call whose arguments are not a JSON object, ending MALFORMED_FUNCTION_CALL', () => {
    const body = encodeGeminiResponse(
      response({
        content: [
          { type: 'text', text: 'Let me call it.' },
          { type: 'tool-call', id: 'call_1', name: 'a', arguments: '["not", "an", "object"]' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      }),
      options,
    );
    expect(body.candidates[0]).toEqual({
      content: { role: 'model', parts: [{ text: 'Let me call it.' }] },
      finishReason: 'MALFORMED_FUNCTION_CALL',
      index: 0,
    });
  });

  it('sends a content filter with nothing said as a candidate without content, as Gemini does', () => {
    const body = encodeGeminiResponse(
      response({ content: [], finishReason: { unified: 'content-filter', raw: 'refusal' } }),
      options,
    );
    expect(body.candidates).toEqual([{ finishReason: 'SAFETY', index: 0 }]);
  });
});

describe('Gemini finish reasons', () => {
  it.each<[FinishReason, string]>([
    [{ unified: 'stop', raw: 'end_turn' }, 'STOP'],
    [{ unified: 'tool-calls', raw: 'tool_calls' }, 'STOP'],
    [{ unified: 'length', raw: 'max_tokens' }, 'MAX_TOKENS'],
    [{ unified: 'content-filter', raw: 'content_filter' }, 'SAFETY'],
    [{ unified: 'content-filter', raw: 'RECITATION' }, 'RECITATION'],
    [{ unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' }, 'MALFORMED_FUNCTION_CALL'],
    [{ unified: 'error', raw: 'boom' }, 'OTHER'],
    [{ unified: 'other', raw: 'STOP' }, 'OTHER'],
  ])('%j is %s for a Gemini client', (reason, raw) => {
    expect(encodeGeminiFinishReason(reason)).toBe(raw);
  });

  it('reads STOP after calls as tool-calls and unknown words as other', () => {
    expect(decodeGeminiFinishReason('STOP', true)).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(decodeGeminiFinishReason('STOP', false)).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(decodeGeminiFinishReason('IMAGE_SAFETY', false).unified).toBe('content-filter');
    expect(decodeGeminiFinishReason('NEW_REASON', false)).toEqual({ unified: 'other', raw: 'NEW_REASON' });
  });
});
