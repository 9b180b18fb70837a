import type { AssistantContentPart, ThinkingPart, ToolCallPart } from '../../core/content-part.ts';
import { isOwnSignature, markSignature } from '../../core/thinking-signature.ts';
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

/**
 * Who the parts are for. An upstream takes only Gemini's own thinking signatures; a call whose
 * arguments are not a JSON object is sent with `{}`. A client gets other providers' signatures
 * marked with their source, thought text only if it asked for thoughts, and no malformed call.
 */
export type ModelPartsTarget = { role: 'upstream' } | { role: 'client'; includeThoughts: boolean };

export interface EncodedModelParts {
  parts: GeminiPart[];
  /** Calls whose arguments are not a JSON object (dropped, or sent with `{}`, as asked). */
  invalidCalls: ToolCallPart[];
  /** Anthropic's redacted thinking has no Gemini form. */
  droppedRedactedThinking: number;
  /** Thinking signatures another provider made, left off for an upstream (Gemini would refuse them). */
  droppedForeignSignatures: number;
}

/**
 * A thinking part as the text and signature that go out, or undefined when nothing does. For a
 * client that did not ask for thoughts only the signature is left: Gemini's own does not depend on
 * the thought text (Gemini itself hands out signatures without thoughts then), another provider's
 * does, so that thinking is left out whole unless it had no text.
 */
function thinkingOut(
  part: ThinkingPart,
  target: ModelPartsTarget,
): { text: string; signature: string | undefined; foreignDropped: boolean } | undefined {
  const own = isOwnSignature(part.signatureSource, 'gemini');
  if (target.role === 'upstream') {
    const foreign = part.signature !== undefined && !own;
    return { text: part.text, signature: foreign ? undefined : part.signature, foreignDropped: foreign };
  }
  const signature =
    part.signature === undefined ? undefined : markSignature(part.signature, part.signatureSource, 'gemini');
  if (target.includeThoughts) return { text: part.text, signature, foreignDropped: false };
  if (signature === undefined || (!own && part.text !== '')) return undefined;
  return { text: '', signature, foreignDropped: false };
}

/**
 * An assistant turn's parts as a Gemini model turn's: text, thought parts (`thought: true`, with
 * their signature) and function calls (args as an object, signature as `thoughtSignature`, the id
 * kept so the response can name it).
 *
 * A thinking part with a signature and no text is how the decoders carry a signature Gemini put on
 * an answer part; it goes back onto the text part before it, or stands alone if there is none (as
 * an empty thought part, or an empty plain part for a client that asked for no thoughts).
 */
export function encodeGeminiModelParts(
  content: readonly AssistantContentPart[],
  target: ModelPartsTarget,
): EncodedModelParts {
  const parts: GeminiPart[] = [];
  const invalidCalls: ToolCallPart[] = [];
  let droppedRedactedThinking = 0;
  let droppedForeignSignatures = 0;
  const thoughtFlag = target.role === 'upstream' || target.includeThoughts ? { thought: true } : {};
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
        const out = thinkingOut(part, target);
        if (out === undefined) break;
        if (out.foreignDropped) droppedForeignSignatures += 1;
        const previous = parts.at(-1);
        if (out.text === '' && out.signature !== undefined) {
          const canCarry =
            previous?.text !== undefined &&
            previous.thought !== true &&
            previous.thoughtSignature === undefined;
          if (canCarry) previous.thoughtSignature = out.signature;
          else parts.push({ text: '', ...thoughtFlag, thoughtSignature: out.signature });
        } else if (out.text !== '') {
          parts.push({
            text: out.text,
            thought: true,
            ...(out.signature !== undefined ? { thoughtSignature: out.signature } : {}),
          });
        }
        break;
      }
      case 'tool-call': {
        let args = parseGeminiArgs(part.arguments);
        if (args === undefined) {
          invalidCalls.push(part);
          if (target.role === 'client') break;
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
  return { parts, invalidCalls, droppedRedactedThinking, droppedForeignSignatures };
}
