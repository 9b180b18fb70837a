import type { ReasoningEffort } from '../../core/chat-request.ts';

const snapshot = String.raw`(-\d{4}-\d{2}-\d{2})?`;

/**
 * The efforts each OpenAI reasoning model takes, first match wins (platform.openai.com/docs/api-reference/chat/create,
 * `reasoning_effort`); any other is refused with a 400 ("Unsupported value: 'minimal' is not supported
 * with the 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'."). Models before
 * gpt-5.1 refuse `none`: the gpt-5 models take `minimal` to `high`, the o-series `low` to `high`, and
 * gpt-5-pro only `high`. gpt-5.1 takes `none` to `high` but not `minimal`; `xhigh` is taken by the models
 * after gpt-5.1-codex-max, so from gpt-5.2 on. No OpenAI model takes `max`. Only these names and their
 * dated snapshots: variants (codex, chat, pro of later versions, o1-mini) take other values, or no
 * effort at all.
 */
const reasoningModels: readonly { pattern: RegExp; efforts: readonly ReasoningEffort[] }[] = [
  { pattern: new RegExp(`^gpt-5-pro${snapshot}$`), efforts: ['high'] },
  { pattern: new RegExp(`^gpt-5\\.1${snapshot}$`), efforts: ['none', 'low', 'medium', 'high'] },
  { pattern: new RegExp(`^gpt-5\\.\\d+${snapshot}$`), efforts: ['none', 'low', 'medium', 'high', 'xhigh'] },
  { pattern: new RegExp(`^gpt-5(-mini|-nano)?${snapshot}$`), efforts: ['minimal', 'low', 'medium', 'high'] },
  { pattern: new RegExp(`^(o1|o3|o3-mini|o4-mini)${snapshot}$`), efforts: ['low', 'medium', 'high'] },
];

/** Every effort, least first: the scale on which the nearest one a model takes is found. */
const effortScale: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

/** The efforts `upstreamModel` takes, least first, or undefined for a model not known to reason. */
export function effortsTaken(upstreamModel: string): readonly ReasoningEffort[] | undefined {
  return reasoningModels.find(({ pattern }) => pattern.test(upstreamModel))?.efforts;
}

/**
 * `effort` if `taken` holds it, else the nearest effort in `taken` (so `none` becomes a model's least,
 * and `max` its most). A tie goes to the lower one: it only happens for `minimal` on gpt-5.1 and later,
 * between `none` and `low`, and `minimal` is asked for the fastest answer with the fewest reasoning
 * tokens, which `none`, those models' own default, gives.
 */
export function nearestEffort(effort: ReasoningEffort, taken: readonly ReasoningEffort[]): ReasoningEffort {
  const rank = effortScale.indexOf(effort);
  let nearest = effort;
  let distance = Number.POSITIVE_INFINITY;
  for (const candidate of taken) {
    const candidateDistance = Math.abs(effortScale.indexOf(candidate) - rank);
    if (candidateDistance < distance) {
      nearest = candidate;
      distance = candidateDistance;
    }
  }
  return nearest;
}
