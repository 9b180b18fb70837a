import type { ImagePart } from '../../core/content-part.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { imageSourceFromUrl } from '../image-source.ts';
import type { GeminiPart } from './gemini-wire-types.ts';
import { guessImageMimeType } from './guess-image-mime-type.ts';

/**
 * A core image as a Gemini part: base64 (and `data:` URLs) as `inlineData`, other URLs as
 * `fileData` with a MIME type guessed from the extension (the API wants one; without a guess it is
 * left out and a warning says so).
 */
export function encodeGeminiImage(
  part: ImagePart,
  field: string,
  warnings: TranslationWarning[],
): GeminiPart {
  if (part.detail === 'low' || part.detail === 'high') {
    warnings.push({
      type: 'unsupported-setting',
      field: `${field}.detail`,
      message: `Gemini has no per-image detail; '${part.detail}' was ignored`,
    });
  }
  const source = part.source.kind === 'url' ? imageSourceFromUrl(part.source.url) : part.source;
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const mimeType = guessImageMimeType(source.url);
  if (mimeType === undefined) {
    warnings.push({
      type: 'other',
      field,
      message: 'The image URL names no known image type; it was sent without a MIME type',
    });
    return { fileData: { fileUri: source.url } };
  }
  return { fileData: { fileUri: source.url, mimeType } };
}
