/** The wire format a provider's API speaks. */
export type ProtocolName = 'openai-chat';

export interface ProviderSpec {
  id: string;
  protocol: ProtocolName;
  /** What the provider's own SDK takes as its base URL (API.md 3). Empty: the channel must give one. */
  defaultBaseUrl: string;
  /** Extra headers every request to this provider carries. */
  extraHeaders?: Readonly<Record<string, string>>;
  /** Model-id prefixes this provider serves, for the provider-scoped routes. Empty: any. */
  modelPrefixes: readonly string[];
  /** A provider that runs without a key (a local Ollama) sends no Authorization header when the key is empty. */
  keyOptional?: boolean;
}

/**
 * Upstream kinds. An OpenAI-compatible provider is one row here; differences in what a provider
 * accepts live in the protocol module's quirks, not in new code paths.
 */
const providers: readonly ProviderSpec[] = [
  {
    id: 'openai',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.openai.com/v1',
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
  },
  {
    id: 'deepseek',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    modelPrefixes: ['deepseek-'],
  },
  { id: 'xai', protocol: 'openai-chat', defaultBaseUrl: 'https://api.x.ai/v1', modelPrefixes: ['grok-'] },
  {
    id: 'mistral',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
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
    extraHeaders: { 'x-title': 'Switchboard' },
    modelPrefixes: [],
  },
  {
    id: 'groq',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    modelPrefixes: [],
  },
  {
    id: 'together',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    modelPrefixes: [],
  },
  {
    id: 'nearai',
    protocol: 'openai-chat',
    defaultBaseUrl: 'https://cloud-api.near.ai/v1',
    modelPrefixes: [],
  },
  {
    id: 'ollama',
    protocol: 'openai-chat',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    modelPrefixes: [],
    keyOptional: true,
  },
  { id: 'openai-compatible', protocol: 'openai-chat', defaultBaseUrl: '', modelPrefixes: [] },
];

const byId = new Map(providers.map((provider) => [provider.id, provider]));

export const providerIds: readonly string[] = providers.map((provider) => provider.id);

export const findProvider = (id: string): ProviderSpec | undefined => byId.get(id);
