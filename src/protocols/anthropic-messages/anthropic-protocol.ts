import type { WireProtocol } from '../wire-protocol.ts';
import { createAnthropicStreamDecoder } from './anthropic-stream-decoder.ts';
import { createAnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { decodeAnthropicRequest } from './decode-anthropic-request.ts';
import { decodeAnthropicResponse } from './decode-anthropic-response.ts';
import { encodeAnthropicRequest } from './encode-anthropic-request.ts';
import { encodeAnthropicResponse } from './encode-anthropic-response.ts';

/** The Anthropic Messages API (`POST /v1/messages`), as a client's format and as an upstream's. */
export const anthropicMessages: WireProtocol = {
  name: 'anthropic-messages',
  // The model and streaming are in the body; the request line adds nothing.
  decodeRequest: (body, context) => decodeAnthropicRequest(body, context),
  encodeResponse: encodeAnthropicResponse,
  createStreamEncoder: createAnthropicStreamEncoder,
  encodeRequest: encodeAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  createStreamDecoder: createAnthropicStreamDecoder,
};
