import { countTokens } from 'gpt-tokenizer';
import type { ChatRequest } from '../core/chat-request.ts';

// OpenAI's accounting for chat formatting (openai-cookbook, "How to count tokens with tiktoken"):
// a few tokens per message and for priming the reply. Images have no size here: a 1024×1024
// high-detail image costs 765 tokens on OpenAI, used as the estimate.
const perMessage = 3;
const replyPriming = 3;
const perImage = 765;

/** Tokens in `text` by the o200k tokenizer: an estimate for any provider, exact for none but OpenAI. */
export const estimateTextTokens = (text: string): number => (text === '' ? 0 : countTokens(text));

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
        case 'tool-call':
          texts.push(part.name, part.arguments);
          break;
        case 'tool-result':
          for (const item of part.content) {
            if (item.type === 'text') texts.push(item.text);
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
