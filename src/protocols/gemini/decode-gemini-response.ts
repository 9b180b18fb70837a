import type { ChatResponse } from '../../core/chat-response.ts';
import type { AssistantContentPart } from '../../core/content-part.ts';
import type { FinishReason } from '../../core/finish-reason.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { newToolCallId } from '../../core/tool-call-id.ts';
import { isRecord } from '../request-checks.ts';
import { GeminiPartialArgs } from './gemini-partial-args.ts';
import { decodeGeminiFinishReason } from './map-gemini-finish-reason.ts';
import {
  readGeminiBlockReason,
  readGeminiCandidate,
  readGeminiCreated,
  type GeminiResponsePart,
} from './read-gemini-candidate.ts';
import { readGeminiError } from './read-gemini-error.ts';
import { readGeminiUsage } from './read-gemini-usage.ts';

function decodePart(part: GeminiResponsePart): AssistantContentPart[] {
  switch (part.kind) {
    case 'text': {
      const signature =
        part.signature !== undefined ? { signature: part.signature, signatureSource: 'gemini' as const } : {};
      if (part.thought)
        return part.text !== '' || part.signature
          ? [{ type: 'thinking', text: part.text, ...signature }]
          : [];
      // A signature on answer text rides on an empty thinking part right after it (see decode-gemini-contents).
      return [
        ...(part.text !== '' ? [{ type: 'text' as const, text: part.text }] : []),
        ...(part.signature !== undefined ? [{ type: 'thinking' as const, text: '', ...signature }] : []),
      ];
    }
    case 'function-call': {
      const args = new GeminiPartialArgs(part.args);
      if (part.partialArgs) args.add(part.partialArgs);
      return [
        {
          type: 'tool-call',
          id: part.id ?? newToolCallId(),
          name: part.name ?? '',
          arguments: args.toJson(),
          ...(part.signature !== undefined ? { signature: part.signature } : {}),
        },
      ];
    }
    case 'other':
      // Inline images, executable code and the like have no core part.
      return [];
    default: {
      const unreachable: never = part;
      throw new Error(`unknown part ${String(unreachable)}`);
    }
  }
}

/**
 * A whole GenerateContentResponse as a core response (the first candidate). A prompt blocked before
 * any candidate (`promptFeedback.blockReason`) ends as a content filter with no content; an `error`
 * body raises the gateway error it stands for.
 */
export function decodeGeminiResponse(body: unknown): ChatResponse {
  if (!isRecord(body)) {
    throw new GatewayError(
      502,
      'upstream_error',
      'The upstream answered with something other than a JSON object',
    );
  }
  if (isRecord(body.error)) throw readGeminiError(body);
  const candidate = readGeminiCandidate(body);
  const content = candidate.parts.flatMap(decodePart);
  const calledTools = content.some((part) => part.type === 'tool-call');
  const blockReason = readGeminiBlockReason(body);
  const finishReason: FinishReason =
    candidate.finishReason !== undefined
      ? decodeGeminiFinishReason(candidate.finishReason, calledTools)
      : blockReason !== undefined
        ? { unified: 'content-filter', raw: blockReason }
        : { unified: 'other', raw: 'FINISH_REASON_UNSPECIFIED' };
  return {
    id:
      typeof body.responseId === 'string' && body.responseId !== '' ? body.responseId : newToolCallId('resp'),
    model: typeof body.modelVersion === 'string' ? body.modelVersion : '',
    created: readGeminiCreated(body),
    content,
    finishReason,
    usage: readGeminiUsage(body.usageMetadata),
  };
}
