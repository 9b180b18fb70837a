import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { parseOpenAiChatBody, upstreamOpenAiChatBody } from './parse-openai-chat-body.ts';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const upstreamJson = (raw: Buffer, model: string) =>
  JSON.parse(upstreamOpenAiChatBody(parseOpenAiChatBody(raw), raw, model).toString()) as Record<
    string,
    unknown
  >;

describe('parseOpenAiChatBody', () => {
  it.each([
    ['an empty body', Buffer.alloc(0), 'invalid_request', null],
    ['malformed JSON', Buffer.from('{"model":'), 'invalid_json', null],
    ['an array', body([1]), 'invalid_request', null],
    ['no model', body({ messages: [{ role: 'user', content: 'x' }] }), 'invalid_request', 'model'],
    ['no messages', body({ model: 'm', messages: [] }), 'invalid_request', 'messages'],
    [
      'a string stream flag',
      body({ model: 'm', messages: [{}], stream: 'yes' }),
      'invalid_request',
      'stream',
    ],
  ])('refuses %s with a 400 naming the field', (_name, raw, code, param) => {
    const error = (() => {
      try {
        parseOpenAiChatBody(raw);
      } catch (caught) {
        return caught;
      }
    })() as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
  });
});

describe('upstreamOpenAiChatBody', () => {
  const messages = [{ role: 'user', content: 'hi' }];

  it("reuses the client's bytes when nothing changes", () => {
    const raw = body({ model: 'm', messages, extra: { a: 1 } });
    expect(upstreamOpenAiChatBody(parseOpenAiChatBody(raw), raw, 'm')).toBe(raw);
  });

  it('asks for usage on streams, keeping every other field', () => {
    const raw = Buffer.from(
      ` \n{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"x":[1]}`,
    );
    expect(upstreamJson(raw, 'm')).toEqual({
      model: 'm',
      messages,
      stream: true,
      x: [1],
      stream_options: { include_usage: true },
    });
  });

  it('keeps existing stream options when adding usage, and rewrites the model', () => {
    const raw = body({ model: 'alias', messages, stream: true, stream_options: { other: 1 } });
    expect(upstreamJson(raw, 'real')).toMatchObject({
      model: 'real',
      stream_options: { other: 1, include_usage: true },
    });
  });

  it('leaves a client that asked for usage alone', () => {
    const raw = body({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    expect(upstreamOpenAiChatBody(parseOpenAiChatBody(raw), raw, 'm')).toBe(raw);
  });
});
