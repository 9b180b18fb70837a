import { pathParameter } from './operation-helpers.ts';
import type { Operation, PathItem, Response } from './openapi-types.ts';

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
  /** Calls an upstream: priced, held against the balance, and counted against rate limits. */
  metered?: boolean;
  parameters?: Operation['parameters'];
}

type Headers = NonNullable<Response['headers']>;

const text = { type: 'string' as const };

const requestIdHeader: Headers = {
  'X-Request-ID': { description: 'The request id, also on the log row', schema: text },
};

/** API.md 1.3: the tightest of the key's and the plan's limits, in OpenAI's names. */
const rateLimitHeaders: Headers = Object.fromEntries(
  (['requests', 'tokens'] as const).flatMap((kind) => [
    [
      `x-ratelimit-limit-${kind}`,
      { description: `The ${kind}-per-minute limit (only when one applies)`, schema: text },
    ],
    [`x-ratelimit-remaining-${kind}`, { description: `${kind} left in this minute`, schema: text }],
    [`x-ratelimit-reset-${kind}`, { description: 'Until the limit resets, e.g. `1s`, `6m0s`', schema: text }],
  ]),
);

const creditHeaders: Headers = {
  'X-Credits-Consumed': {
    description: 'Micro-credits charged (on a stream: the hold; the final figure is in the log)',
    schema: text,
  },
  'X-Credits-Remaining': { description: 'The balance left, in micro-credits', schema: text },
};

const retryAfter: Headers = {
  'Retry-After': { description: 'Whole seconds to wait', schema: text },
};

const failure = (description: string, headers: Headers): Response => ({
  description: `${description}, in the client’s own format (API.md 1.1)`,
  headers: { ...requestIdHeader, ...headers },
  content: anyJson,
});

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
        ...requestIdHeader,
        ...(spec.metered ? { ...creditHeaders, ...rateLimitHeaders } : {}),
      },
      content: { ...anyJson, 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...(spec.metered
      ? {
          '402': failure(
            '`insufficient_credits`: the balance (or the key’s credit_limit) does not cover the request’s worst case',
            creditHeaders,
          ),
          '429': failure(
            '`rate_limited`: the key’s or the plan’s RPM/TPM, or too many requests without a valid key from one address',
            {
              ...retryAfter,
              ...rateLimitHeaders,
            },
          ),
        }
      : {
          '429': failure('`rate_limited`: too many requests without a valid API key from one address', {
            ...retryAfter,
          }),
        }),
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
      metered: true,
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
      metered: true,
      body: true,
    }),
  },
  '/v1/images/generations': {
    post: relay({
      tag: 'openai',
      summary: 'Image generation (OpenAI format)',
      operationId: 'openAiImages',
      metered: true,
      body: true,
    }),
  },
  '/v1/audio/speech': {
    post: relay({
      tag: 'openai',
      summary: 'Text to speech (OpenAI format)',
      operationId: 'openAiSpeech',
      metered: true,
      body: true,
    }),
  },
  '/v1/messages': {
    post: relay({
      tag: 'anthropic',
      summary: 'Messages (Anthropic format)',
      operationId: 'anthropicMessages',
      metered: true,
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
      metered: true,
      body: true,
      parameters: [model],
    }),
  },
  '/v1beta/models/{model}:streamGenerateContent': {
    post: relay({
      tag: 'gemini',
      summary: 'Generate content, streamed (`?alt=sse`)',
      operationId: 'geminiStream',
      metered: true,
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
      metered: true,
      body: true,
      parameters: [pathParameter('provider', 'openai, anthropic, gemini, deepseek, …')],
    }),
  },
};
