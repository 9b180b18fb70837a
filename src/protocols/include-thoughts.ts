import type { ChatRequest } from '../core/chat-request.ts';

/**
 * `StreamEncoderOptions.includeThoughts` for a client's decoded request: what the client said
 * (a Gemini client's `thinkingConfig.includeThoughts`), else whether it asked for reasoning at all.
 * So a Gemini client with no `thinkingConfig` gets no thoughts, as from Gemini itself, even when the
 * upstream thinks anyway. Only Gemini's client encoders act on it; the other formats show all thinking.
 */
export const includeThoughts = (request: ChatRequest): boolean =>
  request.reasoning?.includeThoughts ?? request.reasoning !== undefined;
