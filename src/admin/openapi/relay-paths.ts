import { pathParameter } from './operation-helpers.ts';
import type { Operation, PathItem } from './openapi-types.ts';

const relayAuth: Record<string, string[]>[] = [
  { bearer: [] },
  { anthropicKey: [] },
  { googleKey: [] },
  { googleQueryKey: [] },
];

const anyJson = { 'application/json': { schema: { type: 'object' as const } } };

interface RelaySpec {
  tag: 'openai' | 'anthropic' | 'gemini' | 'provider-scoped';
  summary: string;
  operationId: string;
  body?: boolean;
  parameters?: Operation['parameters'];
}

/**
 * A relay route, briefly: its wire format is the provider's own (see that provider's API reference);
 * errors come in the client's format (API.md 1.1), and every answer carries X-Request-ID.
 */
const relay = (spec: RelaySpec): Operation => ({
  tags: [spec.tag],
  summary: spec.summary,
  operationId: spec.operationId,
  security: relayAuth,
  ...(spec.parameters ? { parameters: spec.parameters } : {}),
  ...(spec.body
    ? {
        requestBody: {
          required: true,
          content: anyJson,
        },
      }
    : {}),
  responses: {
    '200': {
      description: 'The upstream’s answer in the client’s wire format (SSE when streaming)',
      headers: {
        'X-Request-ID': { description: 'The request id, also on the log row', schema: { type: 'string' } },
      },
      content: { ...anyJson, 'text/event-stream': { schema: { type: 'string' } } },
    },
    default: { description: 'An error in the client’s own format (API.md 1.1)', content: anyJson },
  },
});

const model = pathParameter('model', 'A model id (may contain `/`)');

/** The OpenAI-format routes, under /v1 and the /api/v1 alias. */
const openAiPaths = (prefix: string, name: string): Record<string, PathItem> => ({
  [`${prefix}/chat/completions`]: {
    post: relay({
      tag: 'openai',
      summary: 'Chat completion (OpenAI format)',
      operationId: `${name}Chat`,
      body: true,
    }),
  },
  [`${prefix}/models`]: {
    get: relay({ tag: 'openai', summary: 'Models the key may use', operationId: `${name}Models` }),
  },
  [`${prefix}/models/{model}`]: {
    get: relay({ tag: 'openai', summary: 'One model', operationId: `${name}Model`, parameters: [model] }),
  },
});

/** The relay surfaces (API key auth), in brief. */
export const relayPaths: Record<string, PathItem> = {
  ...openAiPaths('/v1', 'openAi'),
  ...openAiPaths('/api/v1', 'prefixed'),
  '/v1/embeddings': {
    post: relay({
      tag: 'openai',
      summary: 'Embeddings (OpenAI format)',
      operationId: 'openAiEmbeddings',
      body: true,
    }),
  },
  '/v1/images/generations': {
    post: relay({
      tag: 'openai',
      summary: 'Image generation (OpenAI format)',
      operationId: 'openAiImages',
      body: true,
    }),
  },
  '/v1/audio/speech': {
    post: relay({
      tag: 'openai',
      summary: 'Text to speech (OpenAI format)',
      operationId: 'openAiSpeech',
      body: true,
    }),
  },
  '/v1/messages': {
    post: relay({
      tag: 'anthropic',
      summary: 'Messages (Anthropic format)',
      operationId: 'anthropicMessages',
      body: true,
    }),
  },
  '/v1/messages/count_tokens': {
    post: relay({
      tag: 'anthropic',
      summary: 'Count tokens (Anthropic format)',
      operationId: 'anthropicCountTokens',
      body: true,
    }),
  },
  '/v1beta/models': {
    get: relay({ tag: 'gemini', summary: 'Models (Gemini format)', operationId: 'geminiModels' }),
  },
  '/v1beta/models/{model}': {
    get: relay({
      tag: 'gemini',
      summary: 'One model (Gemini format)',
      operationId: 'geminiModel',
      parameters: [model],
    }),
  },
  '/v1beta/models/{model}:generateContent': {
    post: relay({
      tag: 'gemini',
      summary: 'Generate content',
      operationId: 'geminiGenerate',
      body: true,
      parameters: [model],
    }),
  },
  '/v1beta/models/{model}:streamGenerateContent': {
    post: relay({
      tag: 'gemini',
      summary: 'Generate content, streamed (`?alt=sse`)',
      operationId: 'geminiStream',
      body: true,
      parameters: [model],
    }),
  },
  '/v1beta/models/{model}:countTokens': {
    post: relay({
      tag: 'gemini',
      summary: 'Count tokens',
      operationId: 'geminiCountTokens',
      body: true,
      parameters: [model],
    }),
  },
  '/api/core/{provider}/chat/completions': {
    post: relay({
      tag: 'provider-scoped',
      summary: 'Chat completion served only by channels of one provider (API.md 1.2)',
      operationId: 'providerScopedChat',
      body: true,
      parameters: [pathParameter('provider', 'openai, anthropic, gemini, deepseek, …')],
    }),
  },
};
