import type { FinishReason, UnifiedFinishReason } from '../../core/finish-reason.ts';
import { anthropicStopReasons, type AnthropicStopReason } from './anthropic-wire-types.ts';

const isAnthropicStopReason = (value: string): value is AnthropicStopReason =>
  (anthropicStopReasons as readonly string[]).includes(value);

function unifiedOf(reason: AnthropicStopReason): UnifiedFinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    case 'pause_turn':
      // A server tool's long turn was paused; the client must continue it. No core equivalent.
      return 'other';
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown stop reason ${String(unreachable)}`);
    }
  }
}

/** Anthropic `stop_reason` → core finish reason; the raw word is kept. */
export function mapAnthropicFinishReason(stopReason: string | null | undefined): FinishReason {
  const raw = stopReason ?? '';
  return { unified: isAnthropicStopReason(raw) ? unifiedOf(raw) : 'other', raw };
}

/**
 * Core finish reason → Anthropic `stop_reason`. The raw word is kept when it is Anthropic's own and
 * agrees with the unified reason (so `stop_sequence`, `pause_turn`… survive an Anthropic-to-Anthropic
 * trip). A response that stopped after tool calls ends in `tool_use` whatever the upstream said
 * (Gemini says STOP).
 */
export function toAnthropicStopReason(reason: FinishReason, hasToolCalls: boolean): AnthropicStopReason {
  if (hasToolCalls && reason.unified === 'stop') return 'tool_use';
  if (isAnthropicStopReason(reason.raw) && unifiedOf(reason.raw) === reason.unified) return reason.raw;
  switch (reason.unified) {
    case 'stop':
    case 'error':
    case 'other':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default: {
      const unreachable: never = reason.unified;
      throw new Error(`unknown finish reason ${String(unreachable)}`);
    }
  }
}
