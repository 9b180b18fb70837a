import { isRecord } from '../request-checks.ts';

/**
 * An assistant `content` as text and reasoning. Most providers send a string; Mistral's reasoning
 * models send an array of `{type:'text'}` and `{type:'thinking', thinking:[{type:'text'}]}` parts.
 */
export function readOpenAiContent(content: unknown): { text: string; thinking: string } {
  if (typeof content === 'string') return { text: content, thinking: '' };
  if (!Array.isArray(content)) return { text: '', thinking: '' };
  let text = '';
  let thinking = '';
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') text += part.text;
    else if (part.type === 'thinking') thinking += readOpenAiContent(part.thinking).text;
  }
  return { text, thinking };
}
