import type { ReasoningEffort } from '../../core/chat-request.ts';

/**
 * OpenAI reasoning models, with the least reasoning effort each takes, first match wins
 * (platform.openai.com/docs/api-reference/chat/create, `reasoning_effort`). They reason unless told
 * otherwise: models before gpt-5.1 default to `medium` and refuse `none`, so the gpt-5 models' least is
 * `minimal` and the o-series', which takes `low`, `medium` and `high`, is `low`; gpt-5-pro takes only
 * `high`. gpt-5.1 and later take `none` ("does not perform reasoning") but refuse `minimal` ("'minimal'
 * is not supported with the 'gpt-5.1' model"). Only these names and their dated snapshots: variants
 * (codex, chat, o1-mini) take other values, or no effort at all.
 */
const reasoningModels: readonly { pattern: RegExp; least: ReasoningEffort }[] = [
  { pattern: /^gpt-5-pro(-\d{4}-\d{2}-\d{2})?$/, least: 'high' },
  { pattern: /^gpt-5\.\d+(-\d{4}-\d{2}-\d{2})?$/, least: 'none' },
  { pattern: /^gpt-5(-mini|-nano)?(-\d{4}-\d{2}-\d{2})?$/, least: 'minimal' },
  { pattern: /^(o1|o3|o3-mini|o4-mini)(-\d{4}-\d{2}-\d{2})?$/, least: 'low' },
];

/** The least reasoning effort `upstreamModel` takes, or undefined for a model not known to reason. */
export function leastEffort(upstreamModel: string): ReasoningEffort | undefined {
  return reasoningModels.find(({ pattern }) => pattern.test(upstreamModel))?.least;
}
