import type { FinishReason, UnifiedFinishReason } from '../../core/finish-reason.ts';

export function decodeOpenAiFinishReason(raw: string | null | undefined): FinishReason {
  const value = raw ?? 'stop';
  switch (value) {
    case 'stop':
      return { unified: 'stop', raw: value };
    case 'length':
      return { unified: 'length', raw: value };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw: value };
    case 'content_filter':
      return { unified: 'content-filter', raw: value };
    default:
      return { unified: 'other', raw: value };
  }
}

/** OpenAI has no "error" or "other" reason: a client sees `stop` for those. */
export function encodeOpenAiFinishReason(unified: UnifiedFinishReason): string {
  switch (unified) {
    case 'stop':
    case 'error':
    case 'other':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default: {
      const unreachable: never = unified;
      throw new Error(`unknown finish reason ${String(unreachable)}`);
    }
  }
}
