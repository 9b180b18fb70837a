import type { ProtocolName } from '../protocols/wire-protocol.ts';

export type { ProtocolName };

/** How a provider takes its key. */
export type AuthStyle = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'api-key';

export interface ProviderSpec {
  id: string;
  protocol: ProtocolName;
  /** What the provider's own SDK takes as its base URL (API.md 3). Empty: the channel must give one. */
  defaultBaseUrl: string;
  auth: AuthStyle;
  /** Extra headers every request to this provider carries. */
  extraHeaders?: Readonly<Record<string, string>>;
  /** Model-id prefixes this provider serves, for the provider-scoped routes. Empty: any. */
  modelPrefixes: readonly string[];
  /** A provider that runs without a key (a local Ollama) sends no auth header when the key is empty. */
  keyOptional?: boolean;
  /**
   * OpenAI's newer models refuse `max_tokens` and take `max_completion_tokens`; most compatible
   * providers take only `max_tokens`. Applies to translated requests (same-format bodies pass as sent).
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /**
   * The most stop sequences the provider takes: OpenAI answers 400 beyond four, while Gemini clients
   * may send five and Anthropic clients more. Undefined: no limit known.
   */
  maxStopSequences?: number;
  /**
   * OpenAI-format providers that take PDFs as `file` content parts (OpenAI, OpenRouter). For the
   * others a PDF from an Anthropic or Gemini client is left out with a warning.
   */
  takesPdfFiles?: boolean;
  /** Azure: requests go to `/openai/deployments/{model}/…?api-version=`. */
  deploymentUrls?: { defaultApiVersion: string };
}

/**
 * Upstream kinds. An OpenAI-compatible provider is one row here; differences in what a provider
 * accepts are fields of its row, not new code paths.
 */
const providers: readonly ProviderSpec[] = [
  {
    id: 'openai',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.openai.com/v1',
    auth: 'bearer',
    modelPrefixes: [
      'gpt-',
      'o1',
      'o3',
      'o4',
      'chatgpt-',
      'text-embedding-',
      'dall-e',
      'gpt-image',
      'tts-',
      'whisper',
    ],
    maxTokensField: 'max_completion_tokens',
    maxStopSequences: 4,
    takesPdfFiles: true,
  },
  {
    id: 'azure',
    protocol: 'openai-chat',
    // https://{resource}.openai.azure.com — there is no default.
    defaultBaseUrl: '',
    auth: 'api-key',
    modelPrefixes: [],
    maxTokensField: 'max_completion_tokens',
    maxStopSequences: 4,
    deploymentUrls: { defaultApiVersion: '2024-10-21' },
  },
  {
    id: 'anthropic',
    protocol: 'anthropic-messages',
    defaultBaseUrl: 'https://api.anthropic.com',
    auth: 'x-api-key',
    extraHeaders: { 'anthropic-version': '2023-06-01' },
    modelPrefixes: ['claude-'],
  },
  {
    id: 'gemini',
    protocol: 'gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    auth: 'x-goog-api-key',
    modelPrefixes: ['gemini-', 'gemma-', 'learnlm-', 'imagen-', 'text-embedding-', 'embedding-'],
  },
  {
    id: 'deepseek',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    auth: 'bearer',
    modelPrefixes: ['deepseek-'],
  },
  {
    id: 'xai',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.x.ai/v1',
    auth: 'bearer',
    modelPrefixes: ['grok-'],
  },
  {
    id: 'mistral',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    auth: 'bearer',
    modelPrefixes: [
      'mistral-',
      'magistral-',
      'codestral-',
      'ministral-',
      'pixtral-',
      'open-mistral',
      'devstral-',
    ],
  },
  {
    id: 'openrouter',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    auth: 'bearer',
    // OpenRouter's attribution headers (openrouter.ai/docs, "App Attribution").
    extraHeaders: { 'x-title': 'Switchboard' },
    modelPrefixes: [],
    takesPdfFiles: true,
  },
  {
    id: 'groq',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    auth: 'bearer',
    modelPrefixes: [],
  },
  {
    id: 'together',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    auth: 'bearer',
    modelPrefixes: [],
  },
  {
    id: 'nearai',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://cloud-api.near.ai/v1',
    auth: 'bearer',
    modelPrefixes: [],
  },
  {
    id: 'ollama',
    protocol: 'openai-chat',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    auth: 'bearer',
    modelPrefixes: [],
    keyOptional: true,
  },
  { id: 'openai-compatible', protocol: 'openai-chat', defaultBaseUrl: '', auth: 'bearer', modelPrefixes: [] },
];

const byId = new Map(providers.map((provider) => [provider.id, provider]));

export const providerIds: readonly string[] = providers.map((provider) => provider.id);

export const findProvider = (id: string): ProviderSpec | undefined => byId.get(id);

/** The headers that carry `key` the way `auth` wants it. */
export function authHeaders(auth: AuthStyle, key: string): Record<string, string> {
  if (key === '') return {};
  switch (auth) {
    case 'bearer':
      return { authorization: `Bearer ${key}` };
    case 'x-api-key':
      return { 'x-api-key': key };
    case 'x-goog-api-key':
      return { 'x-goog-api-key': key };
    case 'api-key':
      return { 'api-key': key };
    default: {
      const unreachable: never = auth;
      throw new Error(`unknown auth style ${String(unreachable)}`);
    }
  }
}
