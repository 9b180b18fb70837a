import { describe, expect, it } from 'vitest';
import { testChannel } from '../catalog/channel-source.test-support.ts';
import type { ChatRequest } from '../core/chat-request.ts';
import type { ImagePart } from '../core/content-part.ts';
import { isUnsupportedByChannel, unsupportedByChannel } from './unsupported-by-channel.ts';

const nonGemini = ['openai', 'anthropic', 'deepseek', 'azure', 'openai-compatible'];

const pngBase64 = 'iVBORw0KGgo=';
const image = (source: ImagePart['source']): ImagePart => ({ type: 'image', source });

const askingAbout = (part: ImagePart): ChatRequest => ({
  model: 'm',
  stream: false,
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, part] }],
});

/** The image comes back from a tool, in its result. */
const toolReturning = (part: ImagePart): ChatRequest => ({
  model: 'm',
  stream: false,
  system: [],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Take a photo' }] },
    { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'camera', arguments: '{}' }] },
    {
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'Taken' }, part] }],
    },
  ],
});

const geminiOnly: { name: string; part: ImagePart; says: RegExp }[] = [
  {
    name: 'a Cloud Storage link',
    part: image({ kind: 'url', url: 'gs://bucket/cat.png' }),
    says: /'gs:\/\/bucket\/cat\.png'.*send the image as inlineData/,
  },
  {
    name: 'a Files API link',
    part: image({ kind: 'url', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' }),
    says: /files\/abc123'.*send the image as inlineData/,
  },
  {
    name: 'an inline HEIC image',
    part: image({ kind: 'base64', mediaType: 'image/heic', data: 'AAAAGGZ0eXBoZWlj' }),
    says: /'image\/heic'.*convert the image to JPEG or PNG/,
  },
  {
    name: 'an inline HEIF image, its type in capitals',
    part: image({ kind: 'base64', mediaType: 'Image/HEIF', data: 'AAAAGGZ0eXBtaWYx' }),
    says: /'image\/heif'.*convert the image to JPEG or PNG/,
  },
];

describe('unsupportedByChannel', () => {
  describe.each(geminiOnly)('$name', ({ part, says }) => {
    it.each(nonGemini)('cannot go to a %s channel, in a user turn or a tool result', (provider) => {
      for (const request of [askingAbout(part), toolReturning(part)]) {
        const error = unsupportedByChannel(request, testChannel(provider, ['m']));
        expect(error).toMatchObject({ status: 400, code: 'unsupported_by_channel' });
        expect(error?.message).toMatch(says);
        expect(isUnsupportedByChannel(error)).toBe(true);
      }
    });

    it('goes to a Gemini channel', () => {
      for (const request of [askingAbout(part), toolReturning(part)]) {
        expect(unsupportedByChannel(request, testChannel('gemini', ['m']))).toBeUndefined();
      }
    });
  });

  it('lets every channel take the images they all read: http(s) links and inline PNG, JPEG, GIF, WebP', () => {
    const parts = [
      image({ kind: 'url', url: 'https://example.com/cat.heic.png' }),
      image({ kind: 'url', url: 'http://example.com/files/cat.png' }),
      ...['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp'].map((mediaType) =>
        image({ kind: 'base64', mediaType, data: pngBase64 }),
      ),
    ];
    for (const provider of [...nonGemini, 'gemini']) {
      for (const part of parts) {
        expect(unsupportedByChannel(askingAbout(part), testChannel(provider, ['m']))).toBeUndefined();
        expect(unsupportedByChannel(toolReturning(part), testChannel(provider, ['m']))).toBeUndefined();
      }
    }
  });

  it('is not said of other errors', () => {
    expect(isUnsupportedByChannel(new Error('unsupported_by_channel'))).toBe(false);
    expect(isUnsupportedByChannel(undefined)).toBe(false);
  });
});
