import type { FastifyInstance } from 'fastify';
import type { RelayReply, RelayRequest } from '../../http/relay-exchange.ts';
import { openAiChat } from '../../protocols/openai-chat/openai-chat-protocol.ts';
import { parseOpenAiChatBody } from '../../protocols/openai-chat/parse-openai-chat-body.ts';
import { authenticate, requireScope } from '../authenticate.ts';
import { relayChat } from '../relay-chat.ts';
import type { RelayDeps } from '../relay-deps.ts';

/** The chat handler of OpenAI clients at `endpoint`, whichever path (Fastify or the relay lane) runs it. */
export function openAiChatHandler(
  deps: RelayDeps,
  endpoint: string,
): (request: RelayRequest, reply: RelayReply) => Promise<void> {
  return async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-chat');
    await relayChat(deps, request, reply, key, () => {
      const raw = request.body as Buffer | undefined;
      const parsed = parseOpenAiChatBody(raw);
      return {
        surface: 'openai',
        protocol: openAiChat,
        endpoint,
        raw: raw!,
        json: parsed.json,
        model: parsed.model,
        stream: parsed.stream,
        includeUsage: parsed.clientWantsUsage,
        context: {},
        headers: request.headers,
      };
    });
  };
}

/** `POST /v1/chat/completions`: OpenAI clients, served by any channel. */
export function registerOpenAiChatRoute(
  scope: FastifyInstance,
  handler: (request: RelayRequest, reply: RelayReply) => Promise<void>,
): void {
  scope.post('/chat/completions', handler);
}
