import { describe, expect, it } from 'vitest';
import type { TranslationWarning } from '../../core/warning.ts';
import { decodeOpenAiFilePart } from './decode-openai-file-part.ts';

const fileData = 'data:application/pdf;base64,JVBERi0xLjQK';

function decode(file: Record<string, unknown>) {
  const warnings: TranslationWarning[] = [];
  const part = decodeOpenAiFilePart({ type: 'file', file }, 'messages[0].content[0]', warnings);
  return { part, warnings };
}

describe('decodeOpenAiFilePart', () => {
  it('keeps the file name of an inline PDF as the document name', () => {
    expect(decode({ file_data: fileData, filename: 'Q3 report.pdf' })).toEqual({
      part: { type: 'document', mediaType: 'application/pdf', data: 'JVBERi0xLjQK', name: 'Q3 report.pdf' },
      warnings: [],
    });
  });

  it('gives a PDF without a file name, or with an empty one, no name', () => {
    const unnamed = { type: 'document', mediaType: 'application/pdf', data: 'JVBERi0xLjQK' };
    expect(decode({ file_data: fileData }).part).toEqual(unnamed);
    expect(decode({ file_data: fileData, filename: '' }).part).toEqual(unnamed);
  });

  it('refuses a file name that is not a string, naming the field', () => {
    expect(() => decode({ file_data: fileData, filename: 7 })).toThrow(
      /messages\[0\]\.content\[0\]\.file\.filename/,
    );
  });
});
