import type { WireProtocol } from '../wire-protocol.ts';
import { decodeOpenAiChatRequest } from './decode-openai-chat-request.ts';
import { decodeOpenAiChatResponse } from './decode-openai-chat-response.ts';
import { encodeOpenAiChatRequest } from './encode-openai-chat-request.ts';
import { encodeOpenAiChatResponse } from './encode-openai-chat-response.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { OpenAiChatStreamEncoder } from './openai-chat-stream-encoder.ts';

/** OpenAI Chat Completions, in both roles. */
export const openAiChat: WireProtocol = {
  name: 'openai-chat',
  decodeRequest: (body) => decodeOpenAiChatRequest(body),
  encodeResponse: encodeOpenAiChatResponse,
  createStreamEncoder: (options) => new OpenAiChatStreamEncoder(options),
  encodeRequest: encodeOpenAiChatRequest,
  decodeResponse: decodeOpenAiChatResponse,
  createStreamDecoder: () => new OpenAiChatStreamDecoder(),
};
