import type { ChatRequest } from '../../core/chat-request.ts';
import type { TextPart } from '../../core/content-part.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { invalid, isRecord, requiredArray, requiredRecord } from '../request-checks.ts';
import type { ClientRequestContext, Decoded } from '../wire-protocol.ts';
import { decodeGeminiContents } from './decode-gemini-contents.ts';
import { decodeGeminiGenerationConfig } from './decode-gemini-generation-config.ts';
import { decodeGeminiTools } from './decode-gemini-tools.ts';
import { geminiField, optionalArray, optionalRecord } from './gemini-field.ts';

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
const modelName = (value: string): string => value.replace(/^models\//, '');

function decodeSystemInstruction(value: unknown, warnings: TranslationWarning[]): TextPart[] {
  if (value === undefined || value === null) return [];
  // The SDKs accept a bare string here and send a Content; take both.
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  const content = requiredRecord(value, 'systemInstruction');
  const parts = requiredArray(geminiField(content, 'parts'), 'systemInstruction.parts');
  const system: TextPart[] = [];
  for (const [index, raw] of parts.entries()) {
    const part = requiredRecord(raw, `systemInstruction.parts[${index}]`);
    const text = geminiField(part, 'text');
    if (typeof text === 'string') {
      if (text !== '') system.push({ type: 'text', text });
    } else {
      warnings.push({
        type: 'unsupported-content',
        field: `systemInstruction.parts[${index}]`,
        message: 'Only text is relayed in the system instruction; this part was dropped',
      });
    }
  }
  return system;
}

function warnAboutUnrelayed(body: Record<string, unknown>, warnings: TranslationWarning[]): void {
  const safetySettings = optionalArray(geminiField(body, 'safetySettings'), 'safetySettings');
  if (safetySettings?.length) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'safetySettings',
      message: "Safety settings are not relayed; the upstream's own defaults apply",
    });
  }
  if (geminiField(body, 'cachedContent') !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'cachedContent',
      message: 'Cached content lives in one Google project and cannot be relayed; it was ignored',
    });
  }
}

/**
 * A Google SDK client's body for `POST /v1beta/models/{model}:generateContent` (or
 * `:streamGenerateContent`) as a core request. The model and streaming come from the path.
 * Field names may be camelCase or snake_case, as Google's own parser allows.
 */
export function decodeGeminiRequest(body: unknown, context: ClientRequestContext): Decoded<ChatRequest> {
  if (!isRecord(body)) {
    throw new GatewayError(400, 'invalid_request', 'The request body must be a JSON object');
  }
  const warnings: TranslationWarning[] = [];
  const named = context.pathModel ?? (typeof body.model === 'string' ? body.model : undefined);
  if (!named || modelName(named) === '') throw invalid('model', 'the path must name a model');
  const contents = requiredArray(geminiField(body, 'contents'), 'contents');
  if (contents.length === 0) throw invalid('contents', 'must not be empty');
  const system = decodeSystemInstruction(geminiField(body, 'systemInstruction'), warnings);
  const messages = decodeGeminiContents(contents, warnings);
  const tools = decodeGeminiTools(body, warnings);
  const generation = decodeGeminiGenerationConfig(
    optionalRecord(geminiField(body, 'generationConfig'), 'generationConfig'),
    warnings,
  );
  warnAboutUnrelayed(body, warnings);
  return {
    value: {
      model: modelName(named),
      system,
      messages,
      stream: context.pathStream ?? false,
      ...tools,
      ...generation,
    },
    warnings,
  };
}
