import type { ChatResponse } from '../../core/chat-response.ts';
import { embedSignature } from '../../core/tool-call-id.ts';
import type { StreamEncoderOptions } from '../wire-protocol.ts';
import { encodeOpenAiUsage } from './encode-openai-usage.ts';
import { encodeOpenAiFinishReason } from './map-openai-finish-reason.ts';
import type { OpenAiChatCompletion, OpenAiToolCall } from './openai-chat-wire-types.ts';

/** Core → the chat completion an OpenAI client expects. */
export function encodeOpenAiChatResponse(
  response: ChatResponse,
  options: StreamEncoderOptions,
): OpenAiChatCompletion {
  let text = '';
  let reasoning = '';
  const toolCalls: OpenAiToolCall[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        text += part.text;
        break;
      case 'thinking':
        reasoning += part.text;
        break;
      case 'tool-call':
        toolCalls.push({
          id: embedSignature(part.id, part.signature),
          type: 'function',
          function: { name: part.name, arguments: part.arguments },
        });
        break;
      default: {
        const unreachable: never = part;
        throw new Error(`unknown part ${String(unreachable)}`);
      }
    }
  }
  return {
    // OpenAI clients expect `chatcmpl-…` ids, whatever the upstream called its response.
    id: response.id.startsWith('chatcmpl') ? response.id : `chatcmpl-${response.id}`,
    object: 'chat.completion',
    created: response.created,
    model: options.requestModel,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        logprobs: null,
        finish_reason: encodeOpenAiFinishReason(response.finishReason.unified),
      },
    ],
    ...(response.usage ? { usage: encodeOpenAiUsage(response.usage) } : {}),
  };
}
