import { describe, expect, it } from 'vitest';
import { testChannel } from '../catalog/channel-source.test-support.ts';
import type { ChatRequest } from '../core/chat-request.ts';
import { encodeForChannel } from './encode-for-channel.ts';

const withPdf: ChatRequest = {
  model: 'm',
  stream: false,
  system: [],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'document', mediaType: 'application/pdf', data: 'JVBERi0xLjQK' },
        { type: 'text', text: 'Summarise it' },
      ],
    },
  ],
};

const contentOf = (body: Record<string, unknown>): unknown =>
  (body.messages as { content: unknown }[]).at(-1)?.content;

describe('encodeForChannel', () => {
  it('sends a PDF as a file part to OpenAI and OpenRouter, and leaves it out with a warning for providers that take none', () => {
    for (const provider of ['openai', 'openrouter']) {
      const { value, warnings } = encodeForChannel(withPdf, testChannel(provider, ['m']), 'm');
      expect(contentOf(value)).toContainEqual(expect.objectContaining({ type: 'file' }));
      expect(warnings).toEqual([]);
    }
    for (const provider of ['deepseek', 'groq', 'azure', 'openai-compatible']) {
      const { value, warnings } = encodeForChannel(withPdf, testChannel(provider, ['m']), 'm');
      expect(JSON.stringify(contentOf(value))).not.toContain('"file"');
      expect(JSON.stringify(contentOf(value))).toContain('Summarise it');
      expect(warnings).toEqual([expect.objectContaining({ type: 'unsupported-content', field: 'messages' })]);
    }
  });

  it('leaves a PDF in a tool result out too, with a warning, for providers that take none', () => {
    const request: ChatRequest = {
      ...withPdf,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'The invoice?' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'fetch', arguments: '{}' }] },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              content: [
                { type: 'text', text: 'The invoice' },
                { type: 'document', mediaType: 'application/pdf', data: 'JVBERi0xLjQK' },
              ],
            },
          ],
        },
      ],
    };
    const sent = encodeForChannel(request, testChannel('openai', ['m']), 'm');
    expect(JSON.stringify(sent.value.messages)).toContain('"file"');
    const { value, warnings } = encodeForChannel(request, testChannel('deepseek', ['m']), 'm');
    expect(JSON.stringify(value.messages)).not.toContain('"file"');
    expect(JSON.stringify(value.messages)).toContain('The invoice');
    expect(warnings).toEqual([expect.objectContaining({ type: 'unsupported-content', field: 'messages' })]);
  });

  it('says an OpenAI-format or Anthropic channel cannot take an image only Gemini reads (a gs:// link, HEIC)', () => {
    const sources = [
      { kind: 'url', url: 'gs://bucket/cat.png' },
      { kind: 'base64', mediaType: 'image/heic', data: 'AAAAGGZ0eXBoZWlj' },
    ] as const;
    for (const source of sources) {
      const request: ChatRequest = {
        ...withPdf,
        messages: [{ role: 'user', content: [{ type: 'image', source }] }],
      };
      for (const provider of ['openai', 'anthropic']) {
        expect(() => encodeForChannel(request, testChannel(provider, ['m']), 'm')).toThrow(
          expect.objectContaining({ status: 400, code: 'unsupported_by_channel' }),
        );
      }
      expect(() => encodeForChannel(request, testChannel('gemini', ['m']), 'm')).not.toThrow();
    }
  });
});
