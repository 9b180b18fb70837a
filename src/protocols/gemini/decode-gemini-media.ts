import type { ImagePart } from '../../core/content-part.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { optionalString, requiredRecord, requiredString } from '../request-checks.ts';
import { geminiField } from './gemini-field.ts';
import { guessImageMimeType } from './guess-image-mime-type.ts';

/**
 * A client's `inlineData` or `fileData` part as a core image, or undefined (with a warning) for
 * media the core model has no part for (PDF, audio, video). `param` names the part.
 */
export function decodeGeminiMedia(
  part: Record<string, unknown>,
  param: string,
  warnings: TranslationWarning[],
): ImagePart | undefined {
  const inline = geminiField(part, 'inlineData');
  if (inline !== undefined) {
    const record = requiredRecord(inline, `${param}.inlineData`);
    const mediaType = requiredString(geminiField(record, 'mimeType'), `${param}.inlineData.mimeType`);
    const data = requiredString(geminiField(record, 'data'), `${param}.inlineData.data`);
    if (mediaType.startsWith('image/')) return { type: 'image', source: { kind: 'base64', mediaType, data } };
    warnings.push({
      type: 'unsupported-content',
      field: `${param}.inlineData`,
      message: `Inline '${mediaType}' data is not supported here; only images are relayed`,
    });
    return undefined;
  }
  const file = requiredRecord(geminiField(part, 'fileData'), `${param}.fileData`);
  const url = requiredString(geminiField(file, 'fileUri'), `${param}.fileData.fileUri`);
  const mediaType = optionalString(geminiField(file, 'mimeType'), `${param}.fileData.mimeType`);
  if ((mediaType ?? guessImageMimeType(url))?.startsWith('image/')) {
    return { type: 'image', source: { kind: 'url', url } };
  }
  warnings.push({
    type: 'unsupported-content',
    field: `${param}.fileData`,
    message: `The file '${url}' (${mediaType ?? 'unknown type'}) is not an image; only images are relayed`,
  });
  return undefined;
}
