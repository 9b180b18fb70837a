import type { FinishReason, UnifiedFinishReason } from '../../core/finish-reason.ts';
import { type GeminiFinishReason, geminiFinishReasons } from './gemini-wire-types.ts';

const isGeminiFinishReason = (raw: string): raw is GeminiFinishReason =>
  (geminiFinishReasons as readonly string[]).includes(raw);

function unifiedOf(raw: GeminiFinishReason, calledTools: boolean): UnifiedFinishReason {
  switch (raw) {
    case 'STOP':
      // Gemini says STOP when the model called functions ("Model generated function call(s).").
      return calledTools ? 'tool-calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content-filter';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
    case 'TOO_MANY_TOOL_CALLS':
    case 'MISSING_THOUGHT_SIGNATURE':
    case 'MALFORMED_RESPONSE':
      return 'error';
    case 'FINISH_REASON_UNSPECIFIED':
    case 'LANGUAGE':
    case 'OTHER':
    case 'IMAGE_OTHER':
    case 'NO_IMAGE':
      return 'other';
    default: {
      const unreachable: never = raw;
      throw new Error(`unknown Gemini finish reason ${String(unreachable)}`);
    }
  }
}

/** A Gemini `finishReason` (or a prompt `blockReason`) in our terms; unknown words become `other`. */
export function decodeGeminiFinishReason(raw: string, calledTools: boolean): FinishReason {
  return { unified: isGeminiFinishReason(raw) ? unifiedOf(raw, calledTools) : 'other', raw };
}

function defaultFor(unified: UnifiedFinishReason): GeminiFinishReason {
  switch (unified) {
    case 'stop':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    case 'error':
    case 'other':
      return 'OTHER';
    default: {
      const unreachable: never = unified;
      throw new Error(`unknown finish reason ${String(unreachable)}`);
    }
  }
}

/**
 * Our finish reason as a Gemini client expects it. The upstream's own word is kept when it is a
 * Gemini word meaning the same (a Gemini upstream's `RECITATION` stays `RECITATION`).
 */
export function encodeGeminiFinishReason(reason: FinishReason): GeminiFinishReason {
  const { raw, unified } = reason;
  if (isGeminiFinishReason(raw) && unifiedOf(raw, unified === 'tool-calls') === unified) return raw;
  return defaultFor(unified);
}
