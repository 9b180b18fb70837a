import { describe, expect, it } from 'vitest';
import { splitText } from './split-text.ts';

describe('splitText', () => {
  it('makes the asked number of near-equal parts that join back to the text', () => {
    expect(splitText('abcdefghij', 3)).toEqual(['abcd', 'efg', 'hij']);
    expect(splitText('abcdef', 1)).toEqual(['abcdef']);
  });

  it('makes fewer parts when the text is shorter, none for empty text', () => {
    expect(splitText('ab', 5)).toEqual(['a', 'b']);
    expect(splitText('', 5)).toEqual([]);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀😀😀';
    const parts = splitText(text, 6);
    expect(parts.join('')).toBe(text);
    expect(parts).toEqual(['😀', '😀', '😀']);
  });
});
