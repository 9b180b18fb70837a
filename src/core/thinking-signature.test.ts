import { describe, expect, it } from 'vitest';
import { isOwnSignature, markSignature, readSignature } from './thinking-signature.ts';

describe('thinking signatures marked with their source', () => {
  const geminiSignature = Buffer.from('a Gemini thought signature \xfb\xff').toString('base64');
  const anthropicSignature = Buffer.from('an Anthropic thinking signature \xfe').toString('base64');

  it('marks only a signature from another format, and reads the marker back off', () => {
    expect(markSignature(anthropicSignature, 'anthropic-messages', 'anthropic-messages')).toBe(
      anthropicSignature,
    );
    expect(markSignature(anthropicSignature, undefined, 'anthropic-messages')).toBe(anthropicSignature);
    const marked = markSignature(geminiSignature, 'gemini', 'anthropic-messages');
    expect(marked).toBe(`SwbdGmni${geminiSignature}`);
    expect(readSignature(marked, 'anthropic-messages')).toEqual({
      signature: geminiSignature,
      signatureSource: 'gemini',
    });
    const toGemini = markSignature(anthropicSignature, 'anthropic-messages', 'gemini');
    expect(readSignature(toGemini, 'gemini')).toEqual({
      signature: anthropicSignature,
      signatureSource: 'anthropic-messages',
    });
  });

  it('takes an unmarked signature as the client format’s own', () => {
    expect(readSignature(anthropicSignature, 'anthropic-messages')).toEqual({
      signature: anthropicSignature,
      signatureSource: 'anthropic-messages',
    });
    expect(readSignature(geminiSignature, 'gemini')).toEqual({
      signature: geminiSignature,
      signatureSource: 'gemini',
    });
  });

  it('keeps a marked base64 signature valid base64, decoding to the same bytes after the marker', () => {
    const marked = markSignature(anthropicSignature, 'anthropic-messages', 'gemini');
    const bytes = Buffer.from(marked, 'base64');
    expect(bytes.toString('base64')).toBe(marked);
    expect(bytes.subarray(6).toString('base64')).toBe(anthropicSignature);
  });

  it('lets an upstream take its own signatures and those of unknown source', () => {
    expect(isOwnSignature('gemini', 'gemini')).toBe(true);
    expect(isOwnSignature(undefined, 'anthropic-messages')).toBe(true);
    expect(isOwnSignature('gemini', 'anthropic-messages')).toBe(false);
  });
});
