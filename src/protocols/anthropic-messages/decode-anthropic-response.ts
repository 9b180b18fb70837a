import type { ChatResponse } from '../../core/chat-response.ts';
import type { AssistantContentPart } from '../../core/content-part.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { jsonResponseToolName } from './anthropic-json-response-tool.ts';
import { mapAnthropicError } from './map-anthropic-error.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';
import { readAnthropicUsage, readAnthropicUsageFields } from './read-anthropic-usage.ts';
import { isRecord } from './read-request-values.ts';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * One content block of an upstream answer → core parts. Blocks the core cannot hold (server tool
 * calls and results, `fallback` markers) are skipped: their effect is already in the text around them.
 */
function decodeBlock(block: Record<string, unknown>): AssistantContentPart | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: text(block.text) };
    case 'thinking': {
      const signature = text(block.signature);
      return {
        type: 'thinking',
        text: text(block.thinking),
        ...(signature === '' ? {} : { signature, signatureSource: 'anthropic-messages' }),
      };
    }
    case 'redacted_thinking':
      return { type: 'thinking', text: '', redactedData: text(block.data) };
    case 'tool_use': {
      const input = JSON.stringify(block.input ?? {});
      // The forced tool that carries a JSON-schema answer: its input is the answer.
      if (block.name === jsonResponseToolName) return { type: 'text', text: input };
      return { type: 'tool-call', id: text(block.id), name: text(block.name), arguments: input };
    }
    default:
      return undefined;
  }
}

/** An upstream's whole Messages API response → core response. */
export function decodeAnthropicResponse(body: unknown): ChatResponse {
  if (!isRecord(body))
    throw new GatewayError(502, 'upstream_error', 'The upstream response is not a JSON object');
  if (body.type === 'error') throw mapAnthropicError(body.error);
  if (!Array.isArray(body.content)) {
    throw new GatewayError(502, 'upstream_error', 'The upstream response has no content array');
  }
  const content: AssistantContentPart[] = [];
  let answeredWithJsonTool = false;
  for (const block of body.content) {
    if (!isRecord(block)) continue;
    const part = decodeBlock(block);
    if (part === undefined) continue;
    if (block.type === 'tool_use' && part.type === 'text') answeredWithJsonTool = true;
    content.push(part);
  }
  const finishReason = mapAnthropicFinishReason(
    typeof body.stop_reason === 'string' ? body.stop_reason : null,
  );
  const hasToolCalls = content.some((part) => part.type === 'tool-call');
  if (answeredWithJsonTool && !hasToolCalls && finishReason.unified === 'tool-calls')
    finishReason.unified = 'stop';
  return {
    id: text(body.id),
    model: text(body.model),
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason,
    usage: isRecord(body.usage) ? readAnthropicUsage(readAnthropicUsageFields(body.usage)) : undefined,
  };
}
