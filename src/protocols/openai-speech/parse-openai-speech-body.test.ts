import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.ts';
import { characterCount, parseOpenAiSpeechBody } from './parse-openai-speech-body.ts';

const parse = (body: unknown) => parseOpenAiSpeechBody(Buffer.from(JSON.stringify(body)));

describe('parseOpenAiSpeechBody', () => {
  it('reads the model, input and format (mp3 by default)', () => {
    expect(parse({ model: 'tts-1', input: 'hi', voice: 'alloy' })).toMatchObject({
      model: 'tts-1',
      input: 'hi',
      format: 'mp3',
    });
    expect(
      parse({ model: 'tts-1', input: 'hi', voice: { id: 'voice_1' }, response_format: 'wav' }).format,
    ).toBe('wav');
  });

  it.each([
    [{ input: 'x', voice: 'alloy' }, 'model'],
    [{ model: 'tts-1', voice: 'alloy' }, 'input'],
    [{ model: 'tts-1', input: 'x'.repeat(4097), voice: 'alloy' }, 'input'],
    [{ model: 'tts-1', input: 'x' }, 'voice'],
    [{ model: 'tts-1', input: 'x', voice: {} }, 'voice'],
    [{ model: 'tts-1', input: 'x', voice: 'alloy', response_format: 'ogg' }, 'response_format'],
    [{ model: 'tts-1', input: 'x', voice: 'alloy', speed: 0.1 }, 'speed'],
    [{ model: 'tts-1', input: 'x', voice: 'alloy', stream_format: 'chunks' }, 'stream_format'],
    [{ model: 'tts-1', input: 'x', voice: 'alloy', instructions: 3 }, 'instructions'],
  ])('refuses %j with a 400 naming %s', (body, param) => {
    let error: unknown;
    try {
      parse(body);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).param).toBe(param);
  });

  it('counts characters as code points: an emoji is one', () => {
    expect(characterCount('héllo 👋')).toBe(7);
    expect(parse({ model: 'tts-1', input: '👋'.repeat(4096), voice: 'alloy' }).input).toHaveLength(8192);
  });
});
