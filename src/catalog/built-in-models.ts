import type { CatalogModel, ModelKind } from './catalog-model.ts';

type Feature = 'vision' | 'tools' | 'json';

const released = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / 1000;

function model(
  id: string,
  ownedBy: string,
  releaseDate: string,
  features: readonly Feature[],
  contextWindow: number | null,
  maxOutput: number | null,
  aliases: readonly string[] = [],
): CatalogModel {
  return {
    id,
    aliases,
    capabilities: {
      vision: features.includes('vision'),
      tools: features.includes('tools'),
      json: features.includes('json'),
      contextWindow,
      maxOutput,
    },
    groups: null,
    strategy: 'priority',
    ownedBy,
    enabled: true,
    created: released(releaseDate),
  };
}

/**
 * A model served by one of the non-chat routes. `inputLimit` is the published input limit in tokens
 * (null where a provider publishes it in characters, or not at all).
 */
function nonChat(
  id: string,
  ownedBy: string,
  releaseDate: string,
  kind: Exclude<ModelKind, 'chat'>,
  inputLimit: number | null,
): CatalogModel {
  return { ...model(id, ownedBy, releaseDate, [], inputLimit, null), kind };
}

const all: readonly Feature[] = ['vision', 'tools', 'json'];
const text: readonly Feature[] = ['tools', 'json'];

/**
 * Well-known models, with the limits their providers publish on their model pages (null where a
 * provider publishes none). An operator's row of the same id replaces an entry. Aliases are only
 * names the providers themselves use for the same weights (Anthropic's dated ids, OpenRouter's and
 * Together's spellings, Groq's and Ollama's names), never a different snapshot: a client asking for
 * an alias may be served under any of the model's names.
 */
export const builtInModels: readonly CatalogModel[] = [
  // OpenAI — platform.openai.com/docs/models
  model('gpt-4o', 'openai', '2024-05-13', all, 128_000, 16_384),
  model('gpt-4o-mini', 'openai', '2024-07-18', all, 128_000, 16_384),
  model('gpt-4.1', 'openai', '2025-04-14', all, 1_047_576, 32_768),
  model('gpt-4.1-mini', 'openai', '2025-04-14', all, 1_047_576, 32_768),
  model('gpt-4.1-nano', 'openai', '2025-04-14', all, 1_047_576, 32_768),
  model('gpt-5', 'openai', '2025-08-07', all, 400_000, 128_000),
  model('gpt-5-mini', 'openai', '2025-08-07', all, 400_000, 128_000),
  model('gpt-5-nano', 'openai', '2025-08-07', all, 400_000, 128_000),
  model('gpt-5.1', 'openai', '2025-11-13', all, 400_000, 128_000),
  model('o1', 'openai', '2024-12-17', all, 200_000, 100_000),
  model('o3', 'openai', '2025-04-16', all, 200_000, 100_000),
  model('o3-mini', 'openai', '2025-01-31', text, 200_000, 100_000),
  model('o4-mini', 'openai', '2025-04-16', all, 200_000, 100_000),
  nonChat('text-embedding-3-small', 'openai', '2024-01-25', 'embedding', 8_191),
  nonChat('text-embedding-3-large', 'openai', '2024-01-25', 'embedding', 8_191),
  nonChat('dall-e-2', 'openai', '2022-11-03', 'image', null),
  nonChat('dall-e-3', 'openai', '2023-11-06', 'image', null),
  nonChat('gpt-image-1', 'openai', '2025-04-23', 'image', null),
  nonChat('tts-1', 'openai', '2023-11-06', 'speech', null),
  nonChat('tts-1-hd', 'openai', '2023-11-06', 'speech', null),
  nonChat('gpt-4o-mini-tts', 'openai', '2025-03-20', 'speech', null),

  // Anthropic — docs.anthropic.com, "Models overview" (JSON through structured output / a tool)
  model('claude-opus-4-5', 'anthropic', '2025-11-24', all, 200_000, 64_000, [
    'claude-opus-4-5-20251101',
    'claude-opus-4.5',
  ]),
  model('claude-sonnet-4-5', 'anthropic', '2025-09-29', all, 200_000, 64_000, [
    'claude-sonnet-4-5-20250929',
    'claude-sonnet-4.5',
  ]),
  model('claude-haiku-4-5', 'anthropic', '2025-10-15', all, 200_000, 64_000, [
    'claude-haiku-4-5-20251001',
    'claude-haiku-4.5',
  ]),
  model('claude-opus-4-1', 'anthropic', '2025-08-05', all, 200_000, 32_000, [
    'claude-opus-4-1-20250805',
    'claude-opus-4.1',
  ]),
  model('claude-opus-4', 'anthropic', '2025-05-22', all, 200_000, 32_000, [
    'claude-opus-4-20250514',
    'claude-opus-4-0',
  ]),
  model('claude-sonnet-4', 'anthropic', '2025-05-22', all, 200_000, 64_000, [
    'claude-sonnet-4-20250514',
    'claude-sonnet-4-0',
  ]),
  model('claude-3-7-sonnet', 'anthropic', '2025-02-24', all, 200_000, 64_000, [
    'claude-3-7-sonnet-20250219',
    'claude-3-7-sonnet-latest',
  ]),
  model('claude-3-5-haiku', 'anthropic', '2024-10-22', all, 200_000, 8_192, [
    'claude-3-5-haiku-20241022',
    'claude-3-5-haiku-latest',
  ]),

  // Google — ai.google.dev/gemini-api/docs/models
  model('gemini-3-pro-preview', 'google', '2025-11-18', all, 1_048_576, 65_536, ['gemini-3-pro']),
  model('gemini-3-flash-preview', 'google', '2025-12-17', all, 1_048_576, 65_536, ['gemini-3-flash']),
  model('gemini-2.5-pro', 'google', '2025-06-17', all, 1_048_576, 65_536),
  model('gemini-2.5-flash', 'google', '2025-06-17', all, 1_048_576, 65_536),
  model('gemini-2.5-flash-lite', 'google', '2025-07-22', all, 1_048_576, 65_536),
  model('gemini-2.0-flash', 'google', '2025-02-05', all, 1_048_576, 8_192, ['gemini-2.0-flash-001']),
  model('gemini-2.0-flash-lite', 'google', '2025-02-25', all, 1_048_576, 8_192, [
    'gemini-2.0-flash-lite-001',
  ]),
  nonChat('gemini-embedding-001', 'google', '2025-07-14', 'embedding', 2_048),
  nonChat('text-embedding-004', 'google', '2024-04-09', 'embedding', 2_048),
  // Served through generateContent with responseModalities IMAGE (ai.google.dev, "Image generation").
  { ...model('gemini-2.5-flash-image', 'google', '2025-10-02', ['vision'], 32_768, 32_768), kind: 'image' },

  // DeepSeek — api-docs.deepseek.com, "Models & Pricing"
  model('deepseek-chat', 'deepseek', '2024-12-26', text, 128_000, 8_192),
  model('deepseek-reasoner', 'deepseek', '2025-01-20', text, 128_000, 64_000),

  // xAI — docs.x.ai/docs/models (no separate output limit published)
  model('grok-4', 'xai', '2025-07-09', all, 256_000, null, ['grok-4-0709', 'grok-4-latest']),
  model('grok-4-fast-reasoning', 'xai', '2025-09-19', all, 2_000_000, null, ['grok-4-fast']),
  model('grok-code-fast-1', 'xai', '2025-08-28', text, 256_000, null),
  model('grok-3', 'xai', '2025-02-17', text, 131_072, null, ['grok-3-latest', 'grok-3-beta']),
  model('grok-3-mini', 'xai', '2025-02-17', text, 131_072, null, ['grok-3-mini-latest', 'grok-3-mini-beta']),

  // Mistral — docs.mistral.ai/getting-started/models
  model('mistral-large-latest', 'mistralai', '2024-11-18', text, 131_072, null, ['mistral-large']),
  model('mistral-medium-latest', 'mistralai', '2025-05-07', all, 131_072, null, ['mistral-medium']),
  model('mistral-small-latest', 'mistralai', '2025-03-17', all, 131_072, null, ['mistral-small']),
  model('magistral-medium-latest', 'mistralai', '2025-06-10', all, 131_072, null, ['magistral-medium']),
  model('magistral-small-latest', 'mistralai', '2025-06-10', all, 131_072, null, ['magistral-small']),
  model('codestral-latest', 'mistralai', '2025-01-13', text, 256_000, null, ['codestral']),

  // Meta Llama — open weights, served by Groq, Together, OpenRouter, Ollama, …
  model('llama-3.3-70b-instruct', 'meta', '2024-12-06', text, 131_072, null, [
    'meta-llama/llama-3.3-70b-instruct',
    'meta-llama/Llama-3.3-70B-Instruct',
    'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    'llama-3.3-70b-versatile',
    'llama3.3:70b',
  ]),
  model('llama-3.1-70b-instruct', 'meta', '2024-07-23', text, 131_072, null, [
    'meta-llama/llama-3.1-70b-instruct',
    'meta-llama/Meta-Llama-3.1-70B-Instruct',
    'llama3.1:70b',
  ]),
  model('llama-3.1-8b-instruct', 'meta', '2024-07-23', text, 131_072, null, [
    'meta-llama/llama-3.1-8b-instruct',
    'meta-llama/Meta-Llama-3.1-8B-Instruct',
    'llama-3.1-8b-instant',
    'llama3.1:8b',
  ]),
  model('llama-4-maverick', 'meta', '2025-04-05', all, 1_048_576, null, [
    'meta-llama/llama-4-maverick',
    'meta-llama/llama-4-maverick-17b-128e-instruct',
    'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
  ]),
  model('llama-4-scout', 'meta', '2025-04-05', all, 10_000_000, null, [
    'meta-llama/llama-4-scout',
    'meta-llama/llama-4-scout-17b-16e-instruct',
    'meta-llama/Llama-4-Scout-17B-16E-Instruct',
  ]),

  // Qwen — Alibaba Cloud Model Studio and open weights
  model('qwen3-max', 'alibaba', '2025-09-05', text, 262_144, 65_536),
  model('qwen-max', 'alibaba', '2025-01-28', text, 32_768, 8_192, ['qwen-max-latest']),
  model('qwen-plus', 'alibaba', '2025-01-25', text, 131_072, 8_192, ['qwen-plus-latest']),
  model('qwen3-235b-a22b', 'alibaba', '2025-04-29', text, 131_072, null, [
    'qwen/qwen3-235b-a22b',
    'Qwen/Qwen3-235B-A22B',
  ]),
  model('qwen3-30b-a3b-instruct-2507', 'alibaba', '2025-07-29', text, 262_144, null, [
    'qwen/qwen3-30b-a3b-instruct-2507',
    'Qwen/Qwen3-30B-A3B-Instruct-2507',
  ]),
  model('qwen3-coder-480b-a35b-instruct', 'alibaba', '2025-07-22', text, 262_144, null, [
    'qwen/qwen3-coder',
    'Qwen/Qwen3-Coder-480B-A35B-Instruct',
  ]),
  model('qwen2.5-vl-72b-instruct', 'alibaba', '2025-01-28', ['vision', 'json'], 131_072, null, [
    'qwen/qwen2.5-vl-72b-instruct',
    'Qwen/Qwen2.5-VL-72B-Instruct',
  ]),
  model('qwen-2.5-72b-instruct', 'alibaba', '2024-09-19', text, 131_072, null, [
    'qwen2.5-72b-instruct',
    'qwen/qwen-2.5-72b-instruct',
    'Qwen/Qwen2.5-72B-Instruct',
  ]),
  model('qwen-2.5-7b-instruct', 'alibaba', '2024-09-19', text, 131_072, null, [
    'qwen2.5-7b-instruct',
    'qwen/qwen-2.5-7b-instruct',
    'Qwen/Qwen2.5-7B-Instruct',
  ]),
];
