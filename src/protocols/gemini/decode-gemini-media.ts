import type { ImagePart } from '../../core/content-part.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { invalid, optionalString, requiredRecord, requiredString } from '../request-checks.ts';
import { geminiField } from './gemini-field.ts';
import { guessImageMimeType } from './guess-image-mime-type.ts';

/**
 * Whether an upstream other than Gemini can fetch the link. A Gemini client's request is decoded
 * only for another format's upstream (the same format is relayed as is), and OpenAI and Anthropic
 * fetch only plain http(s) URLs: a `gs://` object or a Files API upload (readable with the client's
 * Google key only) made them answer 400 about their own fields. Refusing here names the client's
 * part instead; dropping it would answer a question about an image the model never saw.
 */
function fetchableByOthers(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  return !(parsed.hostname === 'generativelanguage.googleapis.com' && parsed.pathname.includes('/files/'));
}

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
    if (!fetchableByOthers(url)) {
      throw invalid(
        `${param}.fileData.fileUri`,
        'must be a public http(s) URL for this model: Cloud Storage (gs://) and Files API links can be read by Gemini only; send the image as inlineData',
      );
    }
    return { type: 'image', source: { kind: 'url', url } };
  }
  warnings.push({
    type: 'unsupported-content',
    field: `${param}.fileData`,
    message: `The file '${url}' (${mediaType ?? 'unknown type'}) is not an image; only images are relayed`,
  });
  return undefined;
}
