import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SseMessage } from '../wire-protocol.ts';
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

/** The reading this replaced, with the WHATWG TextDecoder: the reference on valid UTF-8. */
function readWithTextDecoder(chunks: Buffer[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = createParser({
    onEvent: (event) =>
      messages.push(
        event.event === undefined ? { data: event.data } : { event: event.event, data: event.data },
      ),
  });
  const decoder = new TextDecoder();
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  parser.feed(`${decoder.decode()}\n\n`);
  return messages;
}

const lineText = fc.string({ unit: 'binary', maxLength: 12 }).map((text) => text.replace(/[\r\n]/g, ''));
const line = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('data', 'event', 'id', 'retry', 'foo', ''),
      fc.constantFrom(':', ': ', ':  '),
      lineText,
    )
    .map(([field, colon, value]) => `${field}${colon}${value}`),
  lineText.map((text) => `data:${text}`),
  lineText.map((text) => `: ${text}`),
  fc.constantFrom('data', 'event', ''),
);
const stream = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r')), { maxLength: 30 }))
  .map(([bom, lines]) => (bom ? '\uFEFF' : '') + lines.map(([text, end]) => text + end).join(''));

describe('SseReader against the TextDecoder reading', () => {
  it('reads any stream, split at any bytes, as the WHATWG decoder did', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const bytes = Buffer.from(text);
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const point of [...points, bytes.length]) {
          chunks.push(bytes.subarray(from, point));
          from = point;
        }
        const reader = new SseReader();
        const messages = chunks.flatMap((chunk) => reader.push(chunk));
        messages.push(...reader.end());
        expect(messages).toEqual(readWithTextDecoder(chunks));
      }),
      { numRuns: 2000 },
    );
  });

  it('drops a byte order mark only at the start, even split across reads', () => {
    const bom = Buffer.from('\uFEFFdata: \uFEFFx\n\n');
    const reader = new SseReader();
    const messages = [bom.subarray(0, 1), bom.subarray(1, 2), bom.subarray(2)].flatMap((chunk) =>
      reader.push(chunk),
    );
    expect([...messages, ...reader.end()]).toEqual([{ data: '\uFEFFx' }]);
  });

  it('reads bytes that are not UTF-8 as replacement characters', () => {
    const reader = new SseReader();
    const bytes = Buffer.concat([Buffer.from('data: a'), Buffer.from([0xff, 0xc3]), Buffer.from('b\n\n')]);
    expect([...reader.push(bytes), ...reader.end()]).toEqual([{ data: 'a\uFFFD\uFFFDb' }]);
  });
});
