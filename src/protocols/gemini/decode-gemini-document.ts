import type { DocumentPart } from '../../core/content-part.ts';
import { isRecord, requiredString } from '../request-checks.ts';
import { geminiField } from './gemini-field.ts';

/**
 * A client's inline PDF (`inlineData` with `application/pdf`) as a core document, or undefined for
 * any other part. PDFs are the one document kind every upstream format reads.
 */
export function decodeGeminiDocument(part: Record<string, unknown>, param: string): DocumentPart | undefined {
  const inline = geminiField(part, 'inlineData');
  if (!isRecord(inline)) return undefined;
  const mediaType = geminiField(inline, 'mimeType');
  if (typeof mediaType !== 'string' || mediaType.toLowerCase() !== 'application/pdf') return undefined;
  const data = requiredString(geminiField(inline, 'data'), `${param}.inlineData.data`);
  return { type: 'document', mediaType: 'application/pdf', data };
}
