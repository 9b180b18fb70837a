import { describe, expect, it } from 'vitest';
import { LogBodyCapture } from './log-body-capture.ts';

describe('LogBodyCapture', () => {
  it('keeps a body under the limit whole', () => {
    const capture = new LogBodyCapture(100, Buffer.from('{"a":1}'));
    capture.setResponse('{"ok":true}');
    expect(capture.bodies()).toEqual({
      request: { text: '{"a":1}', bytes: 7, truncated: false },
      response: { text: '{"ok":true}', bytes: 11, truncated: false },
    });
  });

  it('cuts at the limit, never inside a character, and counts the whole size', () => {
    // 'é' is two bytes: a 5-byte cut would split the third one.
    const capture = new LogBodyCapture(5, Buffer.from('ééé€'));
    expect(capture.bodies().request).toEqual({ text: 'éé', bytes: 9, truncated: true });
    const euro = new LogBodyCapture(5, Buffer.from('a€€')); // 1 + 3 + 3 bytes
    expect(euro.bodies().request).toEqual({ text: 'a€', bytes: 7, truncated: true });
    const emoji = new LogBodyCapture(4, Buffer.from('😀x'));
    expect(emoji.bodies().request).toEqual({ text: '😀', bytes: 5, truncated: true });
    const split = new LogBodyCapture(3, Buffer.from('😀'));
    expect(split.bodies().request).toEqual({ text: '', bytes: 4, truncated: true });
  });

  it('accumulates a stream up to the limit, then only counts', () => {
    const capture = new LogBodyCapture(8, Buffer.alloc(0));
    const keep = capture.streamResponse();
    keep('data: 1\n\n');
    keep(undefined);
    keep(Buffer.from('data: 2\n\n'));
    expect(capture.bodies().response).toEqual({ text: 'data: 1\n', bytes: 18, truncated: true });
  });

  it('starts a new attempt’s stream afresh, and forgets one that never reached the client', () => {
    const capture = new LogBodyCapture(100, Buffer.from('q'));
    capture.streamResponse()('first attempt');
    const keep = capture.streamResponse();
    keep('second');
    expect(capture.bodies().response?.text).toBe('second');
    capture.discardResponse();
    expect(capture.bodies()).toEqual({ request: { text: 'q', bytes: 1, truncated: false }, response: null });
  });
});
