import type { ChatRequest } from '../core/chat-request.ts';
import type { ChatResponse } from '../core/chat-response.ts';
import type { StreamEvent } from '../core/stream-event.ts';
import type { TranslationWarning } from '../core/warning.ts';

export type ProtocolName = 'openai-chat' | 'anthropic-messages' | 'gemini';

/** One server-sent event as parsed off the wire (`event:` is absent for OpenAI and Gemini). */
export interface SseMessage {
  event?: string;
  data: string;
}

/** What the client's request line says besides the body (Gemini puts model and streaming in the path). */
export interface ClientRequestContext {
  /** The model named in the path, for formats that put it there. */
  pathModel?: string;
  /** Streaming as chosen by the path (Gemini's `:streamGenerateContent`). */
  pathStream?: boolean;
  /** Anthropic clients: the `anthropic-beta` header, when sent (betas that change the rules). */
  anthropicBeta?: string;
}

export interface Decoded<T> {
  value: T;
  warnings: TranslationWarning[];
}

/** Upstream events → core events. Keeps whatever state the format needs (open blocks, tool indexes). */
export interface StreamDecoder {
  push(message: SseMessage): StreamEvent[];
  /** The upstream body ended: events still owed (e.g. closing open tool calls). */
  end(): StreamEvent[];
}

/** Core events → the client's SSE bytes. */
export interface StreamEncoder {
  push(event: StreamEvent): string;
  /** After the last event: whatever closes the stream (`data: [DONE]`, `message_stop`, …). */
  end(): string;
}

export interface StreamEncoderOptions {
  /** OpenAI clients get the usage chunk only if they asked (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** The model name the client asked for, echoed back in the stream. */
  requestModel: string;
  /** The gateway's request id, for formats that need a message id before the upstream gives one. */
  requestId: string;
  /**
   * Whether the client gets the model's thinking (default: yes). Gemini clients see thoughts only
   * when they asked (`thinkingConfig.includeThoughts`, decoded as `ChatRequest.reasoning.includeThoughts`);
   * the other formats show whatever thinking there is and ignore this.
   */
  includeThoughts?: boolean;
}

/**
 * One wire format, in both roles. Client-facing: decode a client's request, encode the response or
 * stream for it. Upstream-facing: encode a request for an upstream, decode its response or stream.
 * Three of these give all nine client × upstream pairs; never convert one format straight to another.
 */
export interface WireProtocol {
  name: ProtocolName;
  /** Client side: a parsed JSON body → core request. Invalid input throws a 400 GatewayError naming the field. */
  decodeRequest(body: unknown, context: ClientRequestContext): Decoded<ChatRequest>;
  /** Client side: core response → the body the client expects. */
  encodeResponse(response: ChatResponse, options: StreamEncoderOptions): unknown;
  createStreamEncoder(options: StreamEncoderOptions): StreamEncoder;
  /** Upstream side: core request → the upstream's body, for the upstream's model name. */
  encodeRequest(request: ChatRequest, upstreamModel: string): Decoded<Record<string, unknown>>;
  /** Upstream side: the upstream's whole JSON response → core response. */
  decodeResponse(body: unknown): ChatResponse;
  createStreamDecoder(): StreamDecoder;
}
