import { describe, expect, it } from 'vitest';
import { countPdfPages } from './count-pdf-pages.ts';

const base64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64');
/** Bytes in one decoded piece (256 KiB of base64). */
const pieceBytes = 196_608;

describe('countPdfPages', () => {
  it('counts page objects, not the page tree or longer names', () => {
    const pdf =
      '<< /Type /Pages /Count 2 >> << /Type/Page >> << /Type\n/Page/Parent 1 0 R >> /Type /PageLabel';
    expect(countPdfPages(base64(pdf))).toBe(2);
    expect(countPdfPages(base64('%PDF-1.7 no visible pages'))).toBe(0);
  });

  it('counts a page object once wherever it falls against the pieces the file is read in, and never a /Pages', () => {
    for (let offset = pieceBytes - 80; offset < pieceBytes + 4; offset++) {
      const before = 'x'.repeat(offset);
      expect(countPdfPages(base64(`${before}/Type /Page >>`))).toBe(1);
      expect(countPdfPages(base64(`${before}/Type /Pages >>`))).toBe(0);
    }
  });
});
