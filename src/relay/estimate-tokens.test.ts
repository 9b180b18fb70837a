import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../core/chat-request.ts';
import { estimateRequestTokens, estimateTextTokens } from './estimate-tokens.ts';

describe('estimateTextTokens', () => {
  it('counts short text exactly, as the tokenizer does', () => {
    for (const text of ['', 'Hello, world!', 'é ✓ 😀 日本語', 'The quick brown fox. '.repeat(40)]) {
      expect(estimateTextTokens(text)).toBe(text === '' ? 0 : countTokens(text));
    }
  });

  it('counts long prose within a percent, from 16 pieces of it', () => {
    const prose = Array.from({ length: 4000 }, (_, index) => `Sentence ${index} says something plain.`).join(
      ' ',
    );
    const exact = countTokens(prose);
    expect(Math.abs(estimateTextTokens(prose) - exact) / exact).toBeLessThan(0.01);
  });

  it('estimates a text of any length from its pieces: 20 MB of one letter as 16 KB of it, scaled', () => {
    const sampleTokens = estimateTextTokens('a'.repeat(16_384));
    expect(estimateTextTokens('a'.repeat(20_000_000))).toBe(Math.ceil((sampleTokens * 20_000_000) / 16_384));
  });
});

describe('estimateRequestTokens for a PDF', () => {
  /** A PDF's bytes as base64: page objects, the page tree, and `padding` bytes of image stream. */
  const pdf = (pages: number, padding: number): string => {
    const objects = Array.from(
      { length: pages },
      (_, index) => `${index + 3} 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n`,
    );
    const tree = `2 0 obj\n<< /Type /Pages /Count ${pages} >>\nendobj\n`;
    const stream = Buffer.alloc(padding, 0xa7).toString('latin1');
    return Buffer.from(
      `%PDF-1.7\n${tree}${objects.join('')}stream\n${stream}\nendstream\n`,
      'latin1',
    ).toString('base64');
  };
  const withDocument = (data: string): ChatRequest => ({
    model: 'm',
    stream: false,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'document', mediaType: 'application/pdf', data }] }],
  });
  // A 2 MB scan of three pages was held and estimated as ~100,000 tokens, for one token per 20 bytes.
  it('counts by pages, not bytes: three pages in 2 MB cost three times one small page', () => {
    const onePage = estimateRequestTokens(withDocument(pdf(1, 0)));
    const threePages = estimateRequestTokens(withDocument(pdf(3, 2_000_000)));
    expect(onePage).toBeGreaterThanOrEqual(258);
    expect(onePage).toBeLessThan(5_000);
    expect(threePages - 6).toBe(3 * (onePage - 6));
  });

  it('counts every page once, wherever the page objects fall in the file', () => {
    const onePage = estimateRequestTokens(withDocument(pdf(1, 0))) - 6;
    const pages = Array.from({ length: 500 }, (_, index) => `<</Type/Page${index % 2 ? '\n' : ' '}>>`);
    const spread = pages.map((page, index) => 'x'.repeat(index * 37) + page).join('');
    const data = Buffer.from(`%PDF-1.7\n<</Type /Pages>>${spread}`, 'latin1').toString('base64');
    expect(estimateRequestTokens(withDocument(data)) - 6).toBe(500 * onePage);
  });

  it('estimates a PDF whose pages it cannot see (compressed object streams) from its size, as at least a page', () => {
    const onePage = estimateRequestTokens(withDocument(pdf(1, 0)));
    const hidden = Buffer.from(`%PDF-1.7\n${'z'.repeat(2_000)}`, 'latin1').toString('base64');
    expect(estimateRequestTokens(withDocument(hidden))).toBe(onePage);
    const large = Buffer.alloc(2_000_000, 0x78).toString('base64');
    const estimate = estimateRequestTokens(withDocument(large));
    expect(estimate).toBeGreaterThan(onePage);
    expect(estimate).toBeLessThan(100_000);
  });
});
