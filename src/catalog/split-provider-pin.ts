import { findProvider } from '../providers/provider-catalog.ts';

/**
 * `openai/gpt-4o` → provider `openai`, model `gpt-4o` (API.md 1.4). Only a known provider id before
 * the first slash pins; `meta-llama/llama-3.3-70b-instruct` is a plain model name.
 */
export function splitProviderPin(model: string): { provider: string; model: string } | undefined {
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return undefined;
  const provider = model.slice(0, slash).toLowerCase();
  return findProvider(provider) ? { provider, model: model.slice(slash + 1) } : undefined;
}
