import type { WireProtocol } from '../wire-protocol.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';
import { decodeGeminiResponse } from './decode-gemini-response.ts';
import { encodeGeminiRequest } from './encode-gemini-request.ts';
import { encodeGeminiResponse } from './encode-gemini-response.ts';
import { GeminiStreamDecoder } from './gemini-stream-decoder.ts';
import { GeminiStreamEncoder } from './gemini-stream-encoder.ts';

/** The Gemini REST format (Generative Language API v1beta), in both roles. */
export const gemini: WireProtocol = {
  name: 'gemini',
  decodeRequest: decodeGeminiRequest,
  encodeResponse: encodeGeminiResponse,
  createStreamEncoder: (options) => new GeminiStreamEncoder(options),
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  createStreamDecoder: () => new GeminiStreamDecoder(),
};
