import type { DocumentPart } from '../../core/content-part.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { optionalString, requiredRecord } from '../request-checks.ts';

const dataUrl = /^data:([^;,]+);base64,(.*)$/s;

/**
 * A client's `file` part (`{type:'file', file:{file_data?, file_id?, filename?}}`, as the OpenAI SDK
 * types it): inline PDF data is a core document, which every upstream format reads. A Files API
 * `file_id` means nothing to another provider, and other file types have no core form: those are
 * left out with a warning saying which. The file name is kept: Claude gets it as the document's title.
 */
export function decodeOpenAiFilePart(
  record: Record<string, unknown>,
  where: string,
  warnings: TranslationWarning[],
): DocumentPart | undefined {
  const file = requiredRecord(record.file, `${where}.file`);
  const fileData = optionalString(file.file_data, `${where}.file.file_data`);
  const fileId = optionalString(file.file_id, `${where}.file.file_id`);
  const filename = optionalString(file.filename, `${where}.file.filename`);
  const leaveOut = (message: string): undefined => {
    warnings.push({ type: 'unsupported-content', field: where, message });
    return undefined;
  };
  if (fileData === undefined) {
    return leaveOut(
      fileId === undefined
        ? 'a file part without file_data cannot be translated and was left out'
        : 'files by file_id (OpenAI Files API) cannot be translated, only inline file_data; left out',
    );
  }
  const inline = dataUrl.exec(fileData);
  const mediaType = inline?.[1]?.toLowerCase();
  if (inline?.[2] === undefined || mediaType !== 'application/pdf') {
    const what = mediaType === undefined ? 'file_data that is not a base64 data URL' : `'${mediaType}' files`;
    return leaveOut(
      `${what} cannot be translated (only PDFs) and ${mediaType === undefined ? 'was' : 'were'} left out`,
    );
  }
  const document: DocumentPart = { type: 'document', mediaType: 'application/pdf', data: inline[2] };
  if (filename !== undefined && filename !== '') document.name = filename;
  return document;
}
