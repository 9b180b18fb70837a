import {
  anthropicErrorBody,
  anthropicInvalidJsonMessage,
  anthropicOverloadedFrame,
  anthropicRequestId,
} from './anthropic-error.ts';
import { anthropicRequestProblem } from './anthropic-validate.ts';
import { isObject, parseToolArguments, type JsonObject } from './json.ts';
import type { ChatRequestView, MockProtocol, RenderedReply, ResolvedChat } from './mock-protocol.ts';
import { splitText } from './split-text.ts';
import { uniqueId } from './unique-id.ts';

/**
 * Anthropic Messages (`POST /v1/messages`), shaped after the recordings in fixtures/upstream/anthropic:
 * a Message object, or `event: X` / `data: {...}` frames (message_start, content blocks, a `ping`,
 * message_delta, message_stop).
 */

const defaultModel = 'claude-sonnet-4-5';

/** The text of a string content or of the `text` blocks (and `tool_result` text) of a block array. */
function contentText(content: unknown, withToolResults: boolean): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const block of content) {
    if (!isObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (withToolResults && block.type === 'tool_result') text += contentText(block.content, false);
  }
  return text;
}

/** Whether a user message says something itself, rather than only carrying tool results. */
function hasOwnText(content: unknown): boolean {
  if (typeof content === 'string') return true;
  return Array.isArray(content) && content.some((block) => isObject(block) && block.type !== 'tool_result');
}

function readAnthropicRequest(body: unknown): ChatRequestView | undefined {
  if (!isObject(body)) return undefined;
  let promptText = contentText(body.system, false);
  let lastUserText = '';
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObject(message)) continue;
    promptText += contentText(message.content, true);
    if (message.role === 'user' && hasOwnText(message.content)) {
      lastUserText = contentText(message.content, false);
    }
  }
  const view: ChatRequestView = {
    model: typeof body.model === 'string' ? body.model : defaultModel,
    stream: body.stream === true,
    includeUsage: true,
    lastUserText,
    promptText,
  };
  const problem = anthropicRequestProblem(body);
  if (problem !== undefined) view.problem = { status: 400, body: anthropicErrorBody(400, problem) };
  return view;
}

function stopReasonOf(chat: ResolvedChat): string {
  switch (chat.finishReason) {
    case undefined:
      return chat.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return chat.finishReason;
  }
}

/** Anthropic's `input_tokens` excludes what was read from or written to the cache. */
function inputUsage(chat: ResolvedChat) {
  return {
    input_tokens: Math.max(0, chat.promptTokens - chat.cachedTokens - chat.cacheCreationTokens),
    cache_creation_input_tokens: chat.cacheCreationTokens,
    cache_read_input_tokens: chat.cachedTokens,
  };
}

/** The full usage object of a Message (and of message_start), as in anthropic-text.json. */
function messageUsage(chat: ResolvedChat, outputTokens: number) {
  return {
    ...inputUsage(chat),
    cache_creation: { ephemeral_5m_input_tokens: chat.cacheCreationTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function signatureOf(chat: ResolvedChat): string {
  return chat.reasoningSignature ?? `EqQBCkYIBxgCKkD${uniqueId(72)}`;
}

function toolUseIds(chat: ResolvedChat): string[] {
  return chat.toolCalls.map((call) => call.id ?? `toolu_01${uniqueId(22)}`);
}

function hasText(chat: ResolvedChat): chat is ResolvedChat & { content: string } {
  return chat.content !== undefined && chat.content !== '';
}

/** A Message object, as in anthropic-text.json / anthropic-clear-thinking.1.json. */
function renderMessage(chat: ResolvedChat): string {
  const content: JsonObject[] = [];
  if (chat.reasoningContent !== undefined) {
    content.push({ type: 'thinking', thinking: chat.reasoningContent, signature: signatureOf(chat) });
  }
  if (hasText(chat)) content.push({ type: 'text', text: chat.content });
  const ids = toolUseIds(chat);
  chat.toolCalls.forEach((call, index) => {
    content.push({
      type: 'tool_use',
      id: ids[index],
      name: call.name,
      input: parseToolArguments(call.name, call.arguments),
    });
  });
  return JSON.stringify({
    model: chat.model,
    id: `msg_01${uniqueId(22)}`,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: stopReasonOf(chat),
    stop_sequence: null,
    usage: messageUsage(chat, chat.completionTokens),
  });
}

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

const pingFrame = frame('ping', '{"type":"ping"}');

/** Tool input that streams as a single empty `partial_json`, as Claude does for a call without arguments. */
function isEmptyInput(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || /^\{\s*\}$/.test(trimmed);
}

/**
 * The frames of a streamed Message, as in the recordings: message_start; per block a
 * content_block_start, its deltas and a content_block_stop (thinking: thinking_delta pieces then a
 * signature_delta; text: text_delta pieces; tool_use: an empty input_json_delta, then the
 * arguments in pieces); a `ping` after the first block's start (after message_start when there
 * is no block); message_delta with the stop reason and usage; message_stop.
 */
function renderStreamFrames(chat: ResolvedChat): string[] {
  const start = {
    type: 'message_start',
    message: {
      model: chat.model,
      id: `msg_01${uniqueId(22)}`,
      type: 'message',
      role: 'assistant',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: messageUsage(chat, Math.min(1, chat.completionTokens)),
    },
  };
  const frames = [frame('message_start', JSON.stringify(start))];
  let index = 0;
  const delta = (json: string) =>
    frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":${json}}`);
  const startBlock = (block: string) => {
    frames.push(
      frame(
        'content_block_start',
        `{"type":"content_block_start","index":${index},"content_block":${block}}`,
      ),
    );
    if (index === 0) frames.push(pingFrame);
  };
  const stopBlock = () => {
    frames.push(frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`));
    index += 1;
  };
  if (chat.reasoningContent !== undefined) {
    startBlock('{"type":"thinking","thinking":"","signature":""}');
    for (const piece of splitText(chat.reasoningContent, chat.chunks)) {
      frames.push(delta(`{"type":"thinking_delta","thinking":${JSON.stringify(piece)}}`));
    }
    frames.push(delta(`{"type":"signature_delta","signature":${JSON.stringify(signatureOf(chat))}}`));
    stopBlock();
  }
  if (hasText(chat)) {
    startBlock('{"type":"text","text":""}');
    for (const piece of splitText(chat.content, chat.chunks)) {
      frames.push(delta(`{"type":"text_delta","text":${JSON.stringify(piece)}}`));
    }
    stopBlock();
  }
  const ids = toolUseIds(chat);
  chat.toolCalls.forEach((call, callIndex) => {
    const block = { type: 'tool_use', id: ids[callIndex], name: call.name, input: {} };
    startBlock(JSON.stringify(block));
    frames.push(delta('{"type":"input_json_delta","partial_json":""}'));
    if (!isEmptyInput(call.arguments)) {
      for (const piece of splitText(call.arguments, chat.chunks)) {
        frames.push(delta(`{"type":"input_json_delta","partial_json":${JSON.stringify(piece)}}`));
      }
    }
    stopBlock();
  });
  if (index === 0) frames.push(pingFrame);
  const usage = JSON.stringify({ ...inputUsage(chat), output_tokens: chat.completionTokens });
  frames.push(
    frame(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":${JSON.stringify(stopReasonOf(chat))},"stop_sequence":null},"usage":${usage}}`,
    ),
    frame('message_stop', '{"type":"message_stop"}'),
  );
  return frames;
}

function renderAnthropicChat(request: ChatRequestView, chat: ResolvedChat): RenderedReply {
  const requestId = anthropicRequestId();
  if (!request.stream) {
    return {
      type: 'body',
      status: 200,
      headers: { 'content-type': 'application/json', 'request-id': requestId },
      body: renderMessage(chat),
    };
  }
  return {
    type: 'stream',
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': requestId,
    },
    frames: renderStreamFrames(chat),
  };
}

export const anthropicMessages: MockProtocol = {
  readRequest: readAnthropicRequest,
  renderChat: renderAnthropicChat,
  errorBody: anthropicErrorBody,
  invalidJsonBody: () => anthropicErrorBody(400, anthropicInvalidJsonMessage),
  streamErrorFrame: () => anthropicOverloadedFrame,
};
