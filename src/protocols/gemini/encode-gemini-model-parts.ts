import type { AssistantContentPart, ToolCallPart } from '../../core/content-part.ts';
import { extractSignature } from '../../core/tool-call-id.ts';
import { isRecord } from '../request-checks.ts';
import type { GeminiPart } from './gemini-wire-types.ts';

/**
 * A call's arguments as the object Gemini's `functionCall.args` must be. Empty text (a call with no
 * arguments, as some upstreams stream it) is `{}`; text that is not a JSON object gives undefined.
 */
export function parseGeminiArgs(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A call's thought signature: its own, or the one a non-Gemini client carried back inside the id. */
export const callSignature = (part: ToolCallPart): string | undefined =>
  part.signature ?? extractSignature(part.id).signature;

export interface EncodedModelParts {
  parts: GeminiPart[];
  /** Calls whose arguments are not a JSON object (dropped, or sent with `{}`, as asked). */
  invalidCalls: ToolCallPart[];
  /** Anthropic's redacted thinking has no Gemini form. */
  droppedRedactedThinking: number;
}

/**
 * An assistant turn's parts as a Gemini model turn's: text, thought parts (`thought: true`, with
 * their signature) and function calls (args as an object, signature as `thoughtSignature`, the id
 * kept so the response can name it).
 *
 * A thinking part with a signature and no text is how the decoders carry a signature Gemini put on
 * an answer part; it goes back onto the text part before it, or stands alone if there is none.
 */
export function encodeGeminiModelParts(
  content: readonly AssistantContentPart[],
  invalidArguments: 'drop' | 'send-empty',
): EncodedModelParts {
  const parts: GeminiPart[] = [];
  const invalidCalls: ToolCallPart[] = [];
  let droppedRedactedThinking = 0;
  for (const part of content) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') parts.push({ text: part.text });
        break;
      case 'thinking': {
        if (part.redactedData !== undefined) {
          droppedRedactedThinking += 1;
          break;
        }
        const previous = parts.at(-1);
        if (part.text === '' && part.signature !== undefined) {
          const canCarry =
            previous?.text !== undefined &&
            previous.thought !== true &&
            previous.thoughtSignature === undefined;
          if (canCarry) previous.thoughtSignature = part.signature;
          else parts.push({ text: '', thought: true, thoughtSignature: part.signature });
        } else if (part.text !== '') {
          parts.push({
            text: part.text,
            thought: true,
            ...(part.signature !== undefined ? { thoughtSignature: part.signature } : {}),
          });
        }
        break;
      }
      case 'tool-call': {
        let args = parseGeminiArgs(part.arguments);
        if (args === undefined) {
          invalidCalls.push(part);
          if (invalidArguments === 'drop') break;
          args = {};
        }
        const signature = callSignature(part);
        parts.push({
          functionCall: { id: part.id, name: part.name, args },
          ...(signature !== undefined ? { thoughtSignature: signature } : {}),
        });
        break;
      }
      default: {
        const unreachable: never = part;
        throw new Error(`unknown part ${String(unreachable)}`);
      }
    }
  }
  return { parts, invalidCalls, droppedRedactedThinking };
}
