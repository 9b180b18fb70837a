import type { ChatRequest } from '../../core/chat-request.ts';
import type { TextPart } from '../../core/content-part.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import type { Decoded } from '../wire-protocol.ts';
import type {
  AnthropicMessage,
  AnthropicRequestBody,
  AnthropicTextBlock,
  AnthropicToolChoice,
} from './anthropic-wire-types.ts';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.ts';
import { encodeAnthropicResponseFormat } from './encode-anthropic-response-format.ts';
import { encodeAnthropicThinking } from './encode-anthropic-thinking.ts';
import { encodeAnthropicTools } from './encode-anthropic-tools.ts';

/** One text part goes as a plain string; several keep their blocks. Empty text is left out. */
function encodeSystem(parts: TextPart[]): string | AnthropicTextBlock[] | undefined {
  const blocks = parts
    .filter((part) => part.text !== '')
    .map((part) => ({ type: 'text' as const, text: part.text }));
  if (blocks.length === 0) return undefined;
  if (blocks.length === 1 && blocks[0] !== undefined) return blocks[0].text;
  return blocks;
}

function dropUnsupported(request: ChatRequest, warnings: TranslationWarning[]): void {
  const unsupported: [keyof ChatRequest, boolean][] = [
    ['seed', request.seed !== undefined],
    ['presencePenalty', request.presencePenalty !== undefined],
    ['frequencyPenalty', request.frequencyPenalty !== undefined],
    ['choiceCount', request.choiceCount !== undefined && request.choiceCount > 1],
  ];
  for (const [field, present] of unsupported) {
    if (!present) continue;
    warnings.push({ type: 'unsupported-setting', field, message: 'Anthropic has no such setting; dropped' });
  }
}

/** Sampling settings. Anthropic's temperature tops out at 1; with thinking on, it takes only top_p ≥ 0.95. */
function encodeSampling(
  request: ChatRequest,
  thinking: boolean,
  body: AnthropicRequestBody,
  warnings: TranslationWarning[],
): void {
  const dropForThinking = (field: string): void => {
    warnings.push({
      type: 'unsupported-setting',
      field,
      message: 'Anthropic takes no such setting with thinking on; dropped',
    });
  };
  if (request.temperature !== undefined) {
    if (thinking) dropForThinking('temperature');
    else if (request.temperature > 1) {
      warnings.push({
        type: 'changed-value',
        field: 'temperature',
        message: "lowered to 1, Anthropic's maximum",
      });
      body.temperature = 1;
    } else body.temperature = request.temperature;
  }
  if (request.topP !== undefined) {
    if (thinking && request.topP < 0.95) dropForThinking('topP');
    else body.top_p = request.topP;
  }
  if (request.topK !== undefined) {
    if (thinking) dropForThinking('topK');
    else body.top_k = request.topK;
  }
}

/**
 * Anthropic refuses the whole request over a stop sequence that is only whitespace ("each stop
 * sequence must contain non-whitespace"), which OpenAI takes and its clients often send (`"\n"`).
 * Such sequences are left out with a warning; the others still stop the answer.
 */
function encodeStopSequences(sequences: string[] | undefined, warnings: TranslationWarning[]): string[] {
  if (sequences === undefined) return [];
  const kept = sequences.filter((sequence) => sequence.trim() !== '');
  if (kept.length < sequences.length) {
    warnings.push({
      type: 'changed-value',
      field: 'stopSequences',
      message: 'Anthropic takes no stop sequence that is only whitespace; those were left out',
    });
  }
  return kept;
}

/**
 * Why Anthropic would refuse thinking for this request, if it would (docs.anthropic.com, "Extended
 * thinking"): forced tool use, or a tool-use loop whose last assistant turn does not open with its
 * thinking block (a conversation that was served by another provider until now).
 */
function thinkingObstacle(
  toolChoice: AnthropicToolChoice | undefined,
  messages: AnthropicMessage[],
): string | undefined {
  if (toolChoice?.type === 'any' || toolChoice?.type === 'tool') {
    return 'Anthropic cannot think while a tool call is forced';
  }
  const last = messages.findLast((message) => message.role === 'assistant');
  if (last === undefined || typeof last.content === 'string') return undefined;
  const first = last.content[0]?.type;
  if (first === 'thinking' || first === 'redacted_thinking') return undefined;
  if (!last.content.some((block) => block.type === 'tool_use')) return undefined;
  return 'the last assistant turn called tools without an Anthropic thinking block, which Anthropic then requires';
}

/**
 * A core request → the body for POST {base}/v1/messages. Warnings name core fields (the
 * protocol does not know the client's format).
 */
export function encodeAnthropicRequest(
  request: ChatRequest,
  upstreamModel: string,
): Decoded<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  dropUnsupported(request, warnings);
  const converted = convertToAnthropicMessages(request.messages, warnings);
  const tools = encodeAnthropicTools(request, warnings);
  const { thinking, max_tokens } = encodeAnthropicThinking(
    request,
    thinkingObstacle(tools.tool_choice, converted.messages),
    warnings,
  );
  const format = encodeAnthropicResponseFormat(
    request.responseFormat,
    tools.tools === undefined && thinking === undefined,
    warnings,
  );

  const body: AnthropicRequestBody = { model: upstreamModel, messages: converted.messages, max_tokens };
  const system = encodeSystem([
    ...request.system,
    ...converted.system,
    ...(format.instruction === undefined ? [] : [{ type: 'text' as const, text: format.instruction }]),
  ]);
  if (system !== undefined) body.system = system;
  if (tools.tools !== undefined) body.tools = tools.tools;
  if (tools.tool_choice !== undefined) body.tool_choice = tools.tool_choice;
  if (format.tool !== undefined) body.tools = [format.tool];
  if (format.toolChoice !== undefined) body.tool_choice = format.toolChoice;
  if (thinking !== undefined) body.thinking = thinking;
  encodeSampling(request, thinking !== undefined, body, warnings);
  const stopSequences = encodeStopSequences(request.stopSequences, warnings);
  if (stopSequences.length > 0) body.stop_sequences = stopSequences;
  if (request.stream) body.stream = true;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  return { value: body, warnings };
}
