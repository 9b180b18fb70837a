import { isRecord } from '../request-checks.ts';
import { geminiField } from './gemini-field.ts';

/** One part of an upstream candidate, checked: what the decoders act on. */
export type GeminiResponsePart =
  | { kind: 'text'; text: string; thought: boolean; signature?: string }
  | {
      kind: 'function-call';
      /** Absent on the continuation pieces of a call whose arguments are streamed. */
      name?: string;
      id?: string;
      args?: Record<string, unknown>;
      /** Vertex's streamed arguments (`streamFunctionCallArguments`). */
      partialArgs?: unknown[];
      willContinue: boolean;
      signature?: string;
    }
  | { kind: 'other' };

const optionalText = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function readPart(part: unknown): GeminiResponsePart {
  if (!isRecord(part)) return { kind: 'other' };
  const signature = optionalText(geminiField(part, 'thoughtSignature'));
  const withSignature = signature !== undefined ? { signature } : {};
  const call = geminiField(part, 'functionCall');
  if (isRecord(call)) {
    const partialArgs = geminiField(call, 'partialArgs');
    const args = call.args;
    const name = optionalText(call.name);
    const id = optionalText(call.id);
    return {
      kind: 'function-call',
      ...(name !== undefined ? { name } : {}),
      ...(id !== undefined ? { id } : {}),
      ...(isRecord(args) ? { args } : {}),
      ...(Array.isArray(partialArgs) ? { partialArgs } : {}),
      willContinue: geminiField(call, 'willContinue') === true,
      ...withSignature,
    };
  }
  const text = part.text;
  if (typeof text === 'string')
    return { kind: 'text', text, thought: part.thought === true, ...withSignature };
  return { kind: 'other' };
}

/** The first candidate of a GenerateContentResponse (the only one the core model carries). */
export function readGeminiCandidate(body: Record<string, unknown>): {
  parts: GeminiResponsePart[];
  finishReason: string | undefined;
} {
  const candidates = Array.isArray(body.candidates) ? body.candidates : [];
  const candidate = candidates.find((item) => isRecord(item) && (item.index ?? 0) === 0) ?? candidates[0];
  if (!isRecord(candidate)) return { parts: [], finishReason: undefined };
  const content = isRecord(candidate.content) ? candidate.content : {};
  const parts = Array.isArray(content.parts) ? content.parts.map(readPart) : [];
  const finishReason = optionalText(geminiField(candidate, 'finishReason'));
  return { parts, finishReason };
}

/** Why the prompt itself was refused (`promptFeedback.blockReason`), when it was. */
export function readGeminiBlockReason(body: Record<string, unknown>): string | undefined {
  const feedback = geminiField(body, 'promptFeedback');
  return isRecord(feedback) ? optionalText(geminiField(feedback, 'blockReason')) : undefined;
}

/** The response's creation time in Unix seconds (`createTime`, Vertex), else now. */
export function readGeminiCreated(body: Record<string, unknown>): number {
  const time = typeof body.createTime === 'string' ? Date.parse(body.createTime) : Number.NaN;
  return Math.floor((Number.isNaN(time) ? Date.now() : time) / 1000);
}
