import type { TranslationWarning } from '../../core/warning.ts';

/**
 * The warnings gathered while decoding one request. Some fields (`cache_control`, `citations`) may
 * appear on every block; those are reported once per request, not once per block.
 */
export class DecodeWarnings {
  readonly list: TranslationWarning[] = [];
  #reported = new Set<string>();

  add(warning: TranslationWarning): void {
    this.list.push(warning);
  }

  once(key: string, warning: TranslationWarning): void {
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.list.push(warning);
  }

  /** Prompt-caching marks have no place in the core request; they matter only to an Anthropic upstream. */
  cacheControl(block: Record<string, unknown>, param: string): void {
    if (block.cache_control === undefined) return;
    this.once('cache_control', {
      type: 'unsupported-setting',
      field: `${param}.cache_control`,
      message: 'cache_control is dropped when the request is translated for another format',
    });
  }
}
