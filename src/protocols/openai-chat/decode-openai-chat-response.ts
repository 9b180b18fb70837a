import type { ChatResponse } from '../../core/chat-response.ts';
import type { AssistantContentPart } from '../../core/content-part.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { newToolCallId } from '../../core/tool-call-id.ts';
import { isRecord } from '../request-checks.ts';
import { decodeOpenAiFinishReason } from './map-openai-finish-reason.ts';
import { readOpenAiContent } from './read-openai-content.ts';
import { readOpenAiUsage } from './read-openai-usage.ts';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** An OpenAI-format upstream's chat completion → core (the first choice). */
export function decodeOpenAiChatResponse(body: unknown): ChatResponse {
  if (!isRecord(body) || !Array.isArray(body.choices)) {
    throw new GatewayError(
      502,
      'upstream_error',
      'The upstream answered with an unexpected body (no choices)',
    );
  }
  const choice: unknown = body.choices[0];
  const message = isRecord(choice) && isRecord(choice.message) ? choice.message : {};
  const content: AssistantContentPart[] = [];
  const parts = readOpenAiContent(message.content);
  const reasoning = text(message.reasoning_content) || text(message.reasoning) || parts.thinking;
  if (reasoning) content.push({ type: 'thinking', text: reasoning });
  const answer = parts.text || text(message.refusal);
  if (answer) content.push({ type: 'text', text: answer });
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call) || !isRecord(call.function)) continue;
      content.push({
        type: 'tool-call',
        id: text(call.id) || newToolCallId(),
        name: text(call.function.name),
        arguments: text(call.function.arguments) || '{}',
      });
    }
  }
  return {
    id: text(body.id) || newToolCallId('chatcmpl'),
    model: text(body.model),
    created: typeof body.created === 'number' ? body.created : Math.floor(Date.now() / 1000),
    content,
    finishReason: decodeOpenAiFinishReason(isRecord(choice) ? (choice.finish_reason as string | null) : null),
    usage: readOpenAiUsage(body.usage),
  };
}
