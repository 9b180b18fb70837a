import type { ToolResultPart } from '../../core/content-part.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { isRecord } from '../request-checks.ts';
import { encodeGeminiImage } from './encode-gemini-image.ts';
import type { GeminiPart } from './gemini-wire-types.ts';

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A tool result as Gemini's `functionResponse`, whose `response` must be a JSON object. Following
 * Google's convention (`output` for the result, `error` for a failure): a result whose text is a
 * JSON object is sent as that object; any other text as `{"output": text}`; an error as
 * `{"error": text}`. The text stays a string, never re-typed, so decoding gives it back unchanged.
 *
 * The name comes from the result, or from the earlier call with its id. Images and PDFs the tool
 * returned cannot go inside `response` (JSON only): they follow as parts of their own in the same
 * user turn, which every Gemini model accepts.
 */
export function encodeGeminiToolResult(
  result: ToolResultPart,
  callNames: ReadonlyMap<string, string>,
  field: string,
  warnings: TranslationWarning[],
): GeminiPart[] {
  let name = result.name ?? callNames.get(result.toolCallId);
  if (name === undefined) {
    warnings.push({
      type: 'other',
      field,
      message: `No earlier tool call has the id '${result.toolCallId}'; the result was sent for 'unknown'`,
    });
    name = 'unknown';
  }
  const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
  const response = result.isError ? { error: text } : (parseObject(text) ?? { output: text });
  const media = result.content.flatMap((part, index): GeminiPart[] => {
    if (part.type === 'image') return [encodeGeminiImage(part, `${field}.content[${index}]`, warnings)];
    if (part.type === 'document') return [{ inlineData: { mimeType: part.mediaType, data: part.data } }];
    return [];
  });
  if (media.length > 0) {
    warnings.push({
      type: 'changed-value',
      field,
      message: 'Images and documents in a tool result were sent as parts after the function response',
    });
  }
  return [{ functionResponse: { id: result.toolCallId, name, response } }, ...media];
}
