import { isObject, type JsonObject } from './json.ts';
import type {
  ChatRequestView,
  MockProtocol,
  RenderedReply,
  RequestTarget,
  ResolvedChat,
} from './mock-protocol.ts';
import { openAIErrorBody, openAIInvalidJsonMessage } from './openai-error.ts';
import { openAIChatRequestProblem } from './openai-validate.ts';
import { splitText } from './split-text.ts';
import { uniqueId } from './unique-id.ts';

/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`), shaped after the recordings in
 * fixtures/upstream/openai (and the OpenAI-format streams of deepseek/ and openai-compatible/).
 */

const defaultModel = 'gpt-4o-mini';
const systemFingerprint = 'fp_mock0000';

/** A message's text: a string, or the `text` parts of a content-part array. */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

function readOpenAIChatRequest(body: unknown, target: RequestTarget): ChatRequestView | undefined {
  if (!isObject(body)) return undefined;
  let promptText = '';
  let lastUserText = '';
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObject(message)) continue;
    const text = messageText(message.content);
    promptText += text;
    if (message.role === 'user') lastUserText = text;
  }
  const streamOptions = body.stream_options;
  const view: ChatRequestView = {
    // Azure needs no `model`: the deployment in the path names it.
    model: typeof body.model === 'string' ? body.model : (target.model ?? defaultModel),
    stream: body.stream === true,
    includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
    lastUserText,
    promptText,
  };
  const problem = openAIChatRequestProblem(body);
  if (problem !== undefined) view.problem = problem;
  return view;
}

function usageJson(chat: ResolvedChat): string {
  return JSON.stringify({
    prompt_tokens: chat.promptTokens,
    completion_tokens: chat.completionTokens,
    total_tokens: chat.promptTokens + chat.completionTokens,
    prompt_tokens_details: { cached_tokens: chat.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: chat.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  });
}

function finishReasonOf(chat: ResolvedChat): string {
  return chat.finishReason ?? (chat.toolCalls.length > 0 ? 'tool_calls' : 'stop');
}

function toolCallIds(chat: ResolvedChat): string[] {
  return chat.toolCalls.map((call) => call.id ?? `call_${uniqueId(24)}`);
}

/** A `chat.completion` object, as in openai-text.json. */
function renderCompletion(chat: ResolvedChat): string {
  const ids = toolCallIds(chat);
  const message: JsonObject = {
    role: 'assistant',
    // Only tool calls: OpenAI sends `content: null`.
    content: chat.content ?? (chat.toolCalls.length > 0 ? null : ''),
  };
  if (chat.reasoningContent !== undefined) message.reasoning_content = chat.reasoningContent;
  if (chat.toolCalls.length > 0) {
    message.tool_calls = chat.toolCalls.map((call, index) => ({
      id: ids[index],
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  message.refusal = null;
  message.annotations = [];
  const head = JSON.stringify({
    id: `chatcmpl-${uniqueId(29)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: chat.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(chat) }],
  });
  // Splice usage in as prebuilt JSON rather than parse-and-restringify it.
  return `${head.slice(0, -1)},"usage":${usageJson(chat)},"service_tier":"default","system_fingerprint":"${systemFingerprint}"}`;
}

/** The `delta`s of a stream, in order, as JSON text; the final (finish) chunk excluded. */
function streamDeltas(chat: ResolvedChat): string[] {
  const hasToolCalls = chat.toolCalls.length > 0;
  const onlyToolCalls = hasToolCalls && chat.content === undefined;
  const deltas = [`{"role":"assistant","content":${onlyToolCalls ? 'null' : '""'},"refusal":null}`];
  for (const piece of splitText(chat.reasoningContent ?? '', chat.chunks)) {
    // DeepSeek's shape for reasoning deltas (deepseek-reasoning.chunks.txt).
    deltas.push(`{"content":null,"reasoning_content":${JSON.stringify(piece)}}`);
  }
  for (const piece of splitText(chat.content ?? '', chat.chunks)) {
    deltas.push(`{"content":${JSON.stringify(piece)}}`);
  }
  const ids = toolCallIds(chat);
  chat.toolCalls.forEach((call, index) => {
    // The id, type and name come only in a call's first piece, with empty arguments.
    const first = { index, id: ids[index], type: 'function', function: { name: call.name, arguments: '' } };
    deltas.push(`{"tool_calls":[${JSON.stringify(first)}]}`);
    for (const piece of splitText(call.arguments, chat.chunks)) {
      deltas.push(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(piece)}}}]}`);
    }
  });
  return deltas;
}

/**
 * `data:` frames like OpenAI's (openai-text.chunks.txt): a role chunk, content pieces, tool call
 * pieces by `index`, a finish chunk with an empty delta; then, only when the request set
 * `stream_options.include_usage`, a `choices: []` chunk with usage (and `"usage": null` on every
 * chunk before it); then `[DONE]`.
 */
function renderStreamFrames(chat: ResolvedChat, includeUsage: boolean): string[] {
  const head =
    `data: {"id":"chatcmpl-${uniqueId(29)}","object":"chat.completion.chunk",` +
    `"created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(chat.model)},` +
    `"service_tier":"default","system_fingerprint":"${systemFingerprint}","choices":`;
  const tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const frame = (delta: string, finishReason: string) =>
    `${head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${tail}`;
  const frames = streamDeltas(chat).map((delta) => frame(delta, 'null'));
  frames.push(frame('{}', JSON.stringify(finishReasonOf(chat))));
  if (includeUsage) frames.push(`${head}[],"usage":${usageJson(chat)}}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}

function renderOpenAIChat(request: ChatRequestView, chat: ResolvedChat): RenderedReply {
  const requestId = `req_${uniqueId(32)}`;
  if (!request.stream) {
    return {
      type: 'body',
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: renderCompletion(chat),
    };
  }
  return {
    type: 'stream',
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': requestId },
    frames: renderStreamFrames(chat, request.includeUsage),
  };
}

// What OpenAI sends when a stream fails after it started: an error payload, then the connection ends.
const streamErrorFrame = `data: ${JSON.stringify(openAIErrorBody(500))}\n\n`;

export const openAIChat: MockProtocol = {
  readRequest: readOpenAIChatRequest,
  renderChat: renderOpenAIChat,
  errorBody: openAIErrorBody,
  invalidJsonBody: () => openAIErrorBody(400, openAIInvalidJsonMessage),
  streamErrorFrame: () => streamErrorFrame,
};
