import type { FastifyInstance } from 'fastify';
import { openAiChat } from '../../protocols/openai-chat/openai-chat-protocol.ts';
import { parseOpenAiChatBody } from '../../protocols/openai-chat/parse-openai-chat-body.ts';
import { authenticate, requireScope } from '../authenticate.ts';
import { relayChat } from '../relay-chat.ts';
import type { RelayDeps } from '../relay-deps.ts';

/** `POST /v1/chat/completions`: OpenAI clients, served by any channel. */
export function registerOpenAiChatRoute(scope: FastifyInstance, deps: RelayDeps, endpoint: string): void {
  scope.post('/chat/completions', async (request, reply) => {
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
  });
}
