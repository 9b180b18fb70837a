import type { ChatRequest } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { encodeGeminiImage } from './encode-gemini-image.ts';
import { encodeGeminiModelParts } from './encode-gemini-model-parts.ts';
import { encodeGeminiToolResult } from './encode-gemini-tool-result.ts';
import type { GeminiContent, GeminiPart, GeminiRequest, GeminiRole } from './gemini-wire-types.ts';

/**
 * Google's documented stand-in for a missing signature: Gemini 3 refuses a replayed function call
 * without `thoughtSignature` (400), and skips the check for this value.
 * https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const skipThoughtSignature = 'skip_thought_signature_validator';

const enforcesCallSignatures = (model: string): boolean => /(^|\/)gemini-3/i.test(model);

/** Gemini 3 wants the first function call of a model turn signed; a call from elsewhere is not. */
function signFirstCall(parts: GeminiPart[]): boolean {
  const calls = parts.filter((part) => part.functionCall !== undefined);
  if (calls.length === 0 || calls.some((part) => part.thoughtSignature !== undefined)) return false;
  calls[0]!.thoughtSignature = skipThoughtSignature;
  return true;
}

/**
 * The conversation as Gemini `contents` and `systemInstruction`. Roles are `user` and `model`; tool
 * results become `functionResponse` parts of a user turn; consecutive turns of one role merge, since
 * Gemini expects them to alternate. A system message in mid-conversation has no place in `contents`:
 * it is appended to the system instruction, with a warning.
 */
export function encodeGeminiContents(
  request: ChatRequest,
  upstreamModel: string,
  warnings: TranslationWarning[],
): Pick<GeminiRequest, 'contents' | 'systemInstruction'> {
  const system = request.system.map((part) => part.text).filter((text) => text !== '');
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  let signedForGemini3 = false;
  const push = (role: GeminiRole, parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const [index, message] of request.messages.entries()) {
    const field = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        system.push(...message.content.map((part) => part.text).filter((text) => text !== ''));
        warnings.push({
          type: 'changed-value',
          field,
          message: 'Gemini has no system turns; this system message was appended to the system instruction',
        });
        break;
      case 'user':
        push(
          'user',
          message.content.flatMap((part, at): GeminiPart[] => {
            if (part.type === 'image') return [encodeGeminiImage(part, `${field}.content[${at}]`, warnings)];
            if (part.type === 'document')
              return [{ inlineData: { mimeType: part.mediaType, data: part.data } }];
            return part.text === '' ? [] : [{ text: part.text }];
          }),
        );
        break;
      case 'assistant': {
        const encoded = encodeGeminiModelParts(message.content, { role: 'upstream' });
        for (const part of message.content) if (part.type === 'tool-call') callNames.set(part.id, part.name);
        for (const call of encoded.invalidCalls) {
          warnings.push({
            type: 'changed-value',
            field,
            message: `The arguments of the call to '${call.name}' are not a JSON object; sent as {}`,
          });
        }
        if (encoded.droppedRedactedThinking > 0) {
          warnings.push({
            type: 'unsupported-content',
            field,
            message: 'Redacted thinking has no Gemini form; dropped',
          });
        }
        if (encoded.droppedForeignSignatures > 0) {
          warnings.push({
            type: 'unsupported-content',
            field,
            message: "Another provider's thinking signature would make Gemini refuse the request; left off",
          });
        }
        if (enforcesCallSignatures(upstreamModel) && signFirstCall(encoded.parts)) signedForGemini3 = true;
        push('model', encoded.parts);
        break;
      }
      case 'tool':
        push(
          'user',
          message.content.flatMap((result, at) =>
            encodeGeminiToolResult(result, callNames, `${field}.content[${at}]`, warnings),
          ),
        );
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown message ${String(unreachable)}`);
      }
    }
  }
  if (signedForGemini3) {
    warnings.push({
      type: 'other',
      field: 'messages',
      message: `Function calls without a thought signature were replayed with '${skipThoughtSignature}'`,
    });
  }
  return {
    contents,
    ...(system.length > 0 ? { systemInstruction: { parts: system.map((text) => ({ text })) } } : {}),
  };
}
