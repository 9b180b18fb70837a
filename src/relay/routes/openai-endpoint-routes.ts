import type { FastifyInstance } from 'fastify';
import { parseOpenAiEmbeddingsBody } from '../../protocols/openai-embeddings/parse-openai-embeddings-body.ts';
import { parseOpenAiImagesBody } from '../../protocols/openai-images/parse-openai-images-body.ts';
import { parseOpenAiSpeechBody } from '../../protocols/openai-speech/parse-openai-speech-body.ts';
import { authenticate, requireScope } from '../authenticate.ts';
import { embeddingsCall } from '../embeddings-call.ts';
import { imagesCall } from '../images-call.ts';
import { relayEndpoint } from '../relay-endpoint.ts';
import type { RelayDeps } from '../relay-deps.ts';
import { speechCall } from '../speech-call.ts';

/**
 * OpenAI's non-chat routes under `prefix` (`/v1`): `POST /embeddings`, `/images/generations` and
 * `/audio/speech`, each behind its key scope.
 */
export function registerOpenAiEndpointRoutes(scope: FastifyInstance, deps: RelayDeps, prefix: string): void {
  scope.post('/embeddings', async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-embeddings');
    await relayEndpoint(deps, request, reply, key, () => {
      const raw = request.body as Buffer | undefined;
      return embeddingsCall(parseOpenAiEmbeddingsBody(raw), raw!, `${prefix}/embeddings`);
    });
  });

  scope.post('/images/generations', async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-images');
    await relayEndpoint(deps, request, reply, key, () => {
      const raw = request.body as Buffer | undefined;
      return imagesCall(parseOpenAiImagesBody(raw), raw!, `${prefix}/images/generations`);
    });
  });

  scope.post('/audio/speech', async (request, reply) => {
    const key = await authenticate(deps.keyCache, request, undefined);
    requireScope(key, 'llm-audio');
    await relayEndpoint(deps, request, reply, key, () => {
      const raw = request.body as Buffer | undefined;
      return speechCall(parseOpenAiSpeechBody(raw), raw!, `${prefix}/audio/speech`);
    });
  });
}
