import type { ChatResponse } from '../../core/chat-response.ts';
import type { AssistantContentPart } from '../../core/content-part.ts';
import { markSignature } from '../../core/thinking-signature.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import type { StreamEncoderOptions } from '../wire-protocol.ts';
import { toAnthropicMessageId } from './anthropic-message-id.ts';
import type { AnthropicAssistantBlock, AnthropicResponseBody } from './anthropic-wire-types.ts';
import { toAnthropicStopReason } from './map-anthropic-finish-reason.ts';
import { toAnthropicUsage } from './read-anthropic-usage.ts';

/**
 * Tool-call arguments as the `input` object Anthropic clients expect. Arguments that are not a JSON
 * object (an upstream cut off mid-call, a model's malformed JSON) become `{}`: clients and SDKs
 * require an object, and a wrapped string would look like a real argument to the tool.
 */
export function toolInputOf(argumentsText: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(argumentsText);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      return input as Record<string, unknown>;
    }
  } catch {
    // Falls through to the empty object.
  }
  return {};
}

function toBlock(part: AssistantContentPart): AnthropicAssistantBlock | undefined {
  switch (part.type) {
    case 'text':
      return part.text === '' ? undefined : { type: 'text', text: part.text };
    case 'thinking':
      if (part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
      // Unsigned thinking (another provider's reasoning) goes out with an empty signature, which is
      // how the request decoder recognises it when the client sends it back; another provider's
      // signature goes out marked with its source (see thinking-signature.ts).
      return {
        type: 'thinking',
        thinking: part.text,
        signature:
          part.signature === undefined
            ? ''
            : markSignature(part.signature, part.signatureSource, 'anthropic-messages'),
      };
    case 'tool-call':
      return {
        type: 'tool_use',
        id: embedSignature(part.id, part.signature),
        name: part.name,
        input: toolInputOf(part.arguments),
      };
    default: {
      const unreachable: never = part;
      throw new Error(`unknown assistant part ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Core response → the Message object the Anthropic API returns. */
export function encodeAnthropicResponse(
  response: ChatResponse,
  options: StreamEncoderOptions,
): AnthropicResponseBody {
  const content = response.content.flatMap((part) => toBlock(part) ?? []);
  return {
    id: toAnthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: options.requestModel,
    content,
    stop_reason: toAnthropicStopReason(
      response.finishReason,
      content.some((block) => block.type === 'tool_use'),
    ),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage),
  };
}
