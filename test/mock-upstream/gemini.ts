import { googleErrorBody, googleInvalidJsonMessage } from './google-error.ts';
import { geminiRequestProblem } from './gemini-validate.ts';
import { isObject, parseToolArguments, type JsonObject } from './json.ts';
import type {
  ChatRequestView,
  MockProtocol,
  RenderedReply,
  RequestTarget,
  ResolvedChat,
} from './mock-protocol.ts';
import { splitText } from './split-text.ts';
import { uniqueId } from './unique-id.ts';

/**
 * Gemini (`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`), shaped after
 * the recordings in fixtures/upstream/google: a GenerateContentResponse, or one per stream chunk in
 * `data: {...}\r\n\r\n` frames (`?alt=sse`; without it, Google streams a JSON array).
 */

const defaultModel = 'gemini-2.5-flash';

function partsText(content: unknown): string {
  if (!isObject(content) || !Array.isArray(content.parts)) return '';
  let text = '';
  for (const part of content.parts) {
    if (isObject(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}

function readGeminiRequest(body: unknown, target: RequestTarget): ChatRequestView | undefined {
  if (!isObject(body)) return undefined;
  let promptText = partsText(body.systemInstruction ?? body.system_instruction);
  let lastUserText = '';
  for (const content of Array.isArray(body.contents) ? body.contents : []) {
    if (!isObject(content)) continue;
    promptText += partsText(content);
    const isUser = content.role === undefined || content.role === 'user';
    // A turn of only function responses is the tool's answer, not the user speaking.
    const hasText =
      Array.isArray(content.parts) && content.parts.some((part) => isObject(part) && 'text' in part);
    if (isUser && hasText) lastUserText = partsText(content);
  }
  const model = target.model ?? defaultModel;
  const stream = target.stream === true;
  const view: ChatRequestView = {
    model,
    stream,
    includeUsage: true,
    lastUserText,
    promptText,
    jsonArrayStream: stream && target.query.get('alt') !== 'sse',
  };
  const problem = geminiRequestProblem(body, model);
  if (problem !== undefined) view.problem = problem;
  return view;
}

function finishReasonOf(chat: ResolvedChat): string {
  switch (chat.finishReason) {
    case undefined:
    case 'stop':
    case 'tool_calls':
    case 'function_call':
      // Gemini ends a turn of function calls with STOP too.
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    default:
      return chat.finishReason;
  }
}

const blockReasons = new Set([
  'SAFETY',
  'RECITATION',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'IMAGE_SAFETY',
]);

// What a candidate blocked for safety carries instead of content.
const blockedSafetyRatings =
  '[{"category":"HARM_CATEGORY_SEXUALLY_EXPLICIT","probability":"NEGLIGIBLE"},' +
  '{"category":"HARM_CATEGORY_HATE_SPEECH","probability":"NEGLIGIBLE"},' +
  '{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"},' +
  '{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true}]';

/** A candidate with no content: a block reason and nothing to say (`finishReason: 'content_filter'`). */
function isBlocked(chat: ResolvedChat, finishReason: string): boolean {
  return blockReasons.has(finishReason) && !chat.content && chat.toolCalls.length === 0;
}

function blockedCandidate(finishReason: string): string {
  const ratings = finishReason === 'SAFETY' ? `,"safetyRatings":${blockedSafetyRatings}` : '';
  return `{"finishReason":${JSON.stringify(finishReason)},"index":0${ratings}}`;
}

/** usageMetadata as in the recordings; proto3 JSON leaves out the counts that are zero. */
function usageJson(chat: ResolvedChat, candidates: number, thoughts: number): string {
  let json = `{"promptTokenCount":${chat.promptTokens}`;
  if (candidates > 0) json += `,"candidatesTokenCount":${candidates}`;
  json += `,"totalTokenCount":${chat.promptTokens + candidates + thoughts}`;
  if (chat.cachedTokens > 0) json += `,"cachedContentTokenCount":${chat.cachedTokens}`;
  json += `,"promptTokensDetails":[{"modality":"TEXT","tokenCount":${chat.promptTokens}}]`;
  if (chat.cachedTokens > 0)
    json += `,"cacheTokensDetails":[{"modality":"TEXT","tokenCount":${chat.cachedTokens}}]`;
  if (thoughts > 0) json += `,"thoughtsTokenCount":${thoughts}`;
  return `${json}}`;
}

/** Gemini counts thoughts apart from the candidates; OpenAI's completion tokens include them. */
function candidatesTokens(chat: ResolvedChat): number {
  return Math.max(0, chat.completionTokens - chat.reasoningTokens);
}

function functionCallPart(call: ResolvedChat['toolCalls'][number], signature: string | undefined): string {
  const functionCall: JsonObject = { name: call.name };
  // Empty arguments: no `args` at all, as Gemini sends a call without parameters.
  if (call.arguments.trim() !== '') functionCall.args = parseToolArguments(call.name, call.arguments);
  const part: JsonObject = { functionCall };
  const thoughtSignature = call.thoughtSignature ?? signature;
  if (thoughtSignature !== undefined) part.thoughtSignature = thoughtSignature;
  return JSON.stringify(part);
}

function textPart(text: string, signature: string | undefined): string {
  return signature === undefined
    ? `{"text":${JSON.stringify(text)}}`
    : `{"text":${JSON.stringify(text)},"thoughtSignature":${JSON.stringify(signature)}}`;
}

/** The parts of the answer after the thoughts; `reasoningSignature` goes on the first of them. */
function answerParts(chat: ResolvedChat, textPieces: string[]): { text: string[]; calls: string[] } {
  let signature = chat.reasoningSignature;
  const text = textPieces.map((piece) => {
    const part = textPart(piece, signature);
    signature = undefined;
    return part;
  });
  const calls = chat.toolCalls.map((call) => {
    const part = functionCallPart(call, signature);
    signature = undefined;
    return part;
  });
  return { text, calls };
}

function responseTail(chat: ResolvedChat, responseId: string): string {
  return `"modelVersion":${JSON.stringify(chat.model)},"responseId":"${responseId}"}`;
}

/** A GenerateContentResponse, as in google-text.json / google-tool-call.json (less Gemini 3's extras). */
function renderResponse(chat: ResolvedChat): string {
  const finishReason = finishReasonOf(chat);
  const tail = responseTail(chat, uniqueId(23));
  const usage = usageJson(chat, candidatesTokens(chat), chat.reasoningTokens);
  if (isBlocked(chat, finishReason)) {
    return `{"candidates":[${blockedCandidate(finishReason)}],"usageMetadata":${usage},${tail}`;
  }
  const parts: string[] = [];
  if (chat.reasoningContent !== undefined) {
    parts.push(`{"text":${JSON.stringify(chat.reasoningContent)},"thought":true}`);
  }
  const answer = answerParts(chat, chat.content ? [chat.content] : []);
  parts.push(...answer.text, ...answer.calls);
  if (parts.length === 0) parts.push('{"text":""}');
  const candidate = `{"content":{"parts":[${parts.join(',')}],"role":"model"},"finishReason":${JSON.stringify(finishReason)},"index":0}`;
  return `{"candidates":[${candidate}],"usageMetadata":${usage},${tail}`;
}

/**
 * The chunks of a stream, as JSON: thought pieces, text pieces, then every function call whole in
 * one chunk; the last chunk carries the finishReason. Each chunk has the usage so far: thoughts
 * grow over the thought chunks, candidates over the others (thoughts that were not streamed are
 * counted from the first chunk, as in the recordings).
 */
function renderStreamChunks(chat: ResolvedChat): string[] {
  const finishReason = finishReasonOf(chat);
  const responseId = uniqueId(23);
  const tail = responseTail(chat, responseId);
  const candidates = candidatesTokens(chat);
  if (isBlocked(chat, finishReason)) {
    return [
      `{"candidates":[${blockedCandidate(finishReason)}],"usageMetadata":${usageJson(chat, candidates, chat.reasoningTokens)},${tail}`,
    ];
  }
  const thoughtParts = splitText(chat.reasoningContent ?? '', chat.chunks).map(
    (piece) => `{"text":${JSON.stringify(piece)},"thought":true}`,
  );
  const answer = answerParts(chat, splitText(chat.content ?? '', chat.chunks));
  const outputChunks = answer.text.map((part) => `[${part}]`);
  if (answer.calls.length > 0) outputChunks.push(`[${answer.calls.join(',')}]`);
  if (thoughtParts.length + outputChunks.length === 0) outputChunks.push('[{"text":""}]');
  const chunks: string[] = [];
  const total = thoughtParts.length + outputChunks.length;
  const push = (parts: string, thoughtsSoFar: number, candidatesSoFar: number) => {
    const finish = chunks.length === total - 1 ? `,"finishReason":${JSON.stringify(finishReason)}` : '';
    chunks.push(
      `{"candidates":[{"content":{"parts":${parts},"role":"model"}${finish},"index":0}],` +
        `"usageMetadata":${usageJson(chat, candidatesSoFar, thoughtsSoFar)},${tail}`,
    );
  };
  thoughtParts.forEach((part, index) => {
    push(`[${part}]`, Math.round((chat.reasoningTokens * (index + 1)) / thoughtParts.length), 0);
  });
  outputChunks.forEach((parts, index) => {
    push(parts, chat.reasoningTokens, Math.round((candidates * (index + 1)) / outputChunks.length));
  });
  return chunks;
}

const sseHeaders = { 'content-type': 'text/event-stream' };
const jsonHeaders = { 'content-type': 'application/json; charset=UTF-8' };

function renderGeminiChat(request: ChatRequestView, chat: ResolvedChat): RenderedReply {
  if (!request.stream) return { type: 'body', status: 200, headers: jsonHeaders, body: renderResponse(chat) };
  const chunks = renderStreamChunks(chat);
  if (request.jsonArrayStream === true) {
    // `[` + first element, `,\r\n` + each next one, then `]`: a cut never closes the array.
    const frames = chunks.map((chunk, index) => (index === 0 ? `[${chunk}` : `,\r\n${chunk}`));
    frames.push('\n]');
    return { type: 'stream', status: 200, headers: jsonHeaders, frames };
  }
  // Google ends SSE lines with CRLF.
  return {
    type: 'stream',
    status: 200,
    headers: sseHeaders,
    frames: chunks.map((chunk) => `data: ${chunk}\r\n\r\n`),
  };
}

const overloaded = JSON.stringify(googleErrorBody(503));

export const gemini: MockProtocol = {
  readRequest: readGeminiRequest,
  renderChat: renderGeminiChat,
  errorBody: (status, message) => googleErrorBody(status, message),
  invalidJsonBody: () => googleErrorBody(400, googleInvalidJsonMessage),
  streamErrorFrame: (request) =>
    request.jsonArrayStream === true ? `,\r\n${overloaded}\n]` : `data: ${overloaded}\r\n\r\n`,
};
