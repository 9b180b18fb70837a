import { countTokens } from 'gpt-tokenizer';
import type { ChatRequest } from '../core/chat-request.ts';
import { countPdfPages } from './count-pdf-pages.ts';

// OpenAI's accounting for chat formatting (openai-cookbook, "How to count tokens with tiktoken"):
// a few tokens per message and for priming the reply. Images have no size here: a 1024×1024
// high-detail image costs 765 tokens on OpenAI, used as the estimate.
const perMessage = 3;
const replyPriming = 3;
const perImage = 765;

/**
 * A PDF page, for any provider: Anthropic reads each page as its text (1,500 to 3,000 tokens for a
 * dense page, per its PDF support guide) and as an image; OpenAI likewise sends the text and an image
 * of each page; Gemini bills a flat 258 tokens a page. So the low end of Anthropic's text range plus
 * an image: high for Gemini, which reports its usage anyway, and in range for the others.
 */
const perPage = 1_500 + perImage;
/**
 * When no page object is visible (compressed object streams), pages are guessed from the size: a
 * page of text with its fonts is tens of kilobytes, a scanned page more.
 */
const bytesPerPage = 50_000;

const documentTokens = (base64: string): number => {
  const pages = countPdfPages(base64) || Math.ceil((base64.length * 3) / 4 / bytesPerPage);
  return Math.max(1, pages) * perPage;
};

/**
 * The tokenizer's time grows with the square of a run of text without spaces (4 s for 100,000
 * random letters, on the event loop every request shares), and is about 1 µs a character even in
 * short pieces. So text is counted in pieces of `piece` characters, and a text longer than
 * `pieces` of them is estimated from that many pieces spread over it, at their tokens per character.
 */
const piece = 1_024;
const pieces = 16;

/**
 * Tokens in `text` by the o200k tokenizer: an estimate for any provider, exact for none but OpenAI
 * (and, past 16,384 characters, extrapolated from 16 pieces of it).
 */
export function estimateTextTokens(text: string): number {
  if (text === '') return 0;
  if (text.length <= piece * pieces) {
    let tokens = 0;
    for (let start = 0; start < text.length; start += piece)
      tokens += countTokens(text.slice(start, start + piece));
    return tokens;
  }
  const stride = Math.floor(text.length / pieces);
  let tokens = 0;
  for (let index = 0; index < pieces; index++) {
    const start = index * stride;
    tokens += countTokens(text.slice(start, start + piece));
  }
  return Math.ceil((tokens * text.length) / (piece * pieces));
}

/** The prompt's size, for count-token routes and for upstreams that report no usage. */
export function estimateRequestTokens(request: ChatRequest): number {
  let total = replyPriming;
  const texts: string[] = request.system.map((part) => part.text);
  if (request.system.length > 0) total += perMessage;
  for (const message of request.messages) {
    total += perMessage;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'thinking':
          texts.push(part.text);
          break;
        case 'image':
          total += perImage;
          break;
        case 'document':
          total += documentTokens(part.data);
          break;
        case 'tool-call':
          texts.push(part.name, part.arguments);
          break;
        case 'tool-result':
          for (const item of part.content) {
            if (item.type === 'text') texts.push(item.text);
            else if (item.type === 'document') total += documentTokens(item.data);
            else total += perImage;
          }
          break;
        default: {
          const unreachable: never = part;
          throw new Error(`unknown part ${String(unreachable)}`);
        }
      }
    }
  }
  if (request.tools) texts.push(JSON.stringify(request.tools));
  return total + estimateTextTokens(texts.join('\n'));
}
