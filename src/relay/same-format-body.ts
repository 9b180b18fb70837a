import { upstreamOpenAiChatBody } from '../protocols/openai-chat/parse-openai-chat-body.ts';
import type { ClientChatCall } from './client-chat-call.ts';

/**
 * The client's own body for an upstream of the same format: only the model is rewritten (Gemini
 * names it in the URL, so its body passes untouched), unknown fields survive. OpenAI streams also
 * ask for usage.
 */
export function sameFormatBody(call: ClientChatCall, upstreamModel: string): Buffer | string {
  switch (call.protocol.name) {
    case 'openai-chat':
      return upstreamOpenAiChatBody(
        { json: call.json, model: call.model, stream: call.stream, clientWantsUsage: call.includeUsage },
        call.raw,
        upstreamModel,
      );
    case 'anthropic-messages':
      return upstreamModel === call.model ? call.raw : JSON.stringify({ ...call.json, model: upstreamModel });
    case 'gemini':
      return call.raw;
    default: {
      const unreachable: never = call.protocol.name;
      throw new Error(`unknown protocol ${String(unreachable)}`);
    }
  }
}

/** Client headers an upstream of the same format should see: Anthropic's version and beta flags. */
export function sameFormatHeaders(
  call: ClientChatCall,
  base: Readonly<Record<string, string>>,
): Record<string, string> {
  if (call.protocol.name !== 'anthropic-messages') return base as Record<string, string>;
  const headers = { ...base };
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const value = call.headers[name];
    if (typeof value === 'string' && value !== '') headers[name] = value;
  }
  return headers;
}
