/**
 * A page object's dictionary entry: `/Type /Page`, with any PDF whitespace (or none) between the
 * names, and not `/Pages` (the page tree) or any longer name. The whitespace is capped so that a
 * match always fits in the overlap kept between pieces.
 */
const pageObject = /\/Type[\0\t\n\f\r ]{0,16}\/Page(?![A-Za-z0-9#_.-])/g;
const overlap = 64;
/** Base64 characters decoded at a time: a multiple of 4, so each piece decodes on its own. */
const pieceChars = 256 * 1024;

/**
 * Page objects in a base64 PDF, found in its raw bytes without parsing it: linear time, and memory
 * for one piece of 192 KB at a time however large the file. 0 when none is visible, as in files that
 * keep their page objects in compressed object streams (PDF 1.5+). A page rewritten by an
 * incremental update counts twice: an estimate, erring high.
 */
export function countPdfPages(base64: string): number {
  let pages = 0;
  let carry = '';
  for (let start = 0; start < base64.length; start += pieceChars) {
    const last = start + pieceChars >= base64.length;
    const text = carry + Buffer.from(base64.slice(start, start + pieceChars), 'base64').toString('latin1');
    // A match starting in the last `overlap` characters is counted with the next piece, which
    // also tells whether the name goes on (`/Pages`).
    const end = last ? text.length : text.length - overlap;
    for (const match of text.matchAll(pageObject)) if (match.index < end) pages++;
    carry = last ? '' : text.slice(end);
  }
  return pages;
}
