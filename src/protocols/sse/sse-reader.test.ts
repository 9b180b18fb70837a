import { describe, expect, it } from 'vitest';
import { SseReader } from './sse-reader.ts';

const readAll = (text: string, size: number) => {
  const reader = new SseReader();
  const bytes = Buffer.from(text);
  const messages = [];
  for (let i = 0; i < bytes.length; i += size) messages.push(...reader.push(bytes.subarray(i, i + size)));
  messages.push(...reader.end());
  return messages;
};

describe('SseReader', () => {
  it('reads events split at any byte, with CRLF, comments, pings and a multi-byte character', () => {
    const text =
      ': comment\r\n\r\nevent: ping\r\ndata: {}\r\n\r\n' +
      'event: content_block_delta\ndata: {"text":"héllo ✓"}\n\n' +
      'data: {"a":1}\n\ndata: [DONE]';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(readAll(text, size)).toEqual([
        { event: 'ping', data: '{}' },
        { event: 'content_block_delta', data: '{"text":"héllo ✓"}' },
        { data: '{"a":1}' },
        { data: '[DONE]' },
      ]);
    }
  });
});
