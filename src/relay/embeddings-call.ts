import type { EmbeddingRequest } from '../core/embedding-request.ts';
import { readOpenAiUsage } from '../protocols/openai-chat/read-openai-usage.ts';
import { decodeGeminiEmbedResponse } from '../protocols/gemini/decode-gemini-embed-response.ts';
import { encodeGeminiEmbedRequest } from '../protocols/gemini/encode-gemini-embed-request.ts';
import { encodeOpenAiEmbeddingsResponse } from '../protocols/openai-embeddings/encode-openai-embeddings-response.ts';
import type { OpenAiEmbeddingsBody } from '../protocols/openai-embeddings/parse-openai-embeddings-body.ts';
import { bodyWithModel } from './body-with-model.ts';
import type { EndpointCall } from './endpoint-call.ts';
import { estimateTextTokens } from './estimate-tokens.ts';
import type { RelayRecord } from './relay-record.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import type { Taken, UpstreamAnswer } from './send-with-failover.ts';
import { geminiUpstreamPath, openAiUpstreamPath } from './upstream-path.ts';
import { embeddingUsage, sendWholeAnswer, takeWholeJson, type WholeAnswer } from './whole-json-answer.ts';
import type { ClientLink } from './client-link.ts';

/** The input's size in tokens by our tokenizer (token arrays count themselves). */
export function estimateEmbeddingTokens(request: EmbeddingRequest): number {
  const { input } = request;
  if (input.kind === 'tokens') return input.tokens.reduce((sum, tokens) => sum + tokens.length, 0);
  return input.texts.reduce((sum, text) => sum + estimateTextTokens(text), 0);
}

/**
 * `POST /v1/embeddings` for the generic pipeline. OpenAI-format channels get the client's body (the
 * model renamed) and answer in the client's format; Gemini channels get `:embedContent` (one input)
 * or `:batchEmbedContents` (a list), and their vectors come back in OpenAI's shape, as base64
 * float32s when the client asked for `encoding_format: base64`. Priced by input tokens: the
 * upstream's count, else our tokenizer's estimate (marked as such in the log).
 */
export function embeddingsCall(
  parsed: OpenAiEmbeddingsBody,
  raw: Buffer,
  endpoint: string,
): EndpointCall<WholeAnswer> {
  const { request } = parsed;
  const estimate = () => estimateEmbeddingTokens(request);
  const serves = (channel: RuntimeChannel) =>
    channel.provider.protocol === 'openai-chat' ||
    (channel.provider.protocol === 'gemini' && request.input.kind === 'text');
  const expected = request.input.kind === 'text' ? request.input.texts.length : request.input.tokens.length;

  const take = (answer: UpstreamAnswer, record: RelayRecord, link: ClientLink): Promise<Taken<WholeAnswer>> =>
    takeWholeJson(answer, link, (json, bytes): WholeAnswer => {
      if (answer.channel.provider.protocol !== 'gemini') {
        record.usage = readOpenAiUsage((json as { usage?: unknown } | null)?.usage);
        return { kind: 'same-format', bytes };
      }
      const result = decodeGeminiEmbedResponse(json, expected);
      if (result.inputTokens !== undefined) record.usage = embeddingUsage(result.inputTokens);
      const body = encodeOpenAiEmbeddingsResponse(
        result,
        request.model,
        request.encodingFormat,
        result.inputTokens ?? estimate(),
      );
      return { kind: 'translated', body: JSON.stringify(body) };
    });

  return {
    kind: 'embeddings',
    surface: 'openai',
    endpoint,
    model: request.model,
    units: null,
    estimateInputTokens: estimate,
    serves,
    unservedMessage:
      request.input.kind === 'tokens'
        ? `No channel of model '${request.model}' takes token arrays (Gemini channels take text only)`
        : `No channel of model '${request.model}' serves embeddings (OpenAI-format and Gemini channels do)`,
    request(channel, model) {
      if (channel.provider.protocol === 'gemini') {
        const gemini = encodeGeminiEmbedRequest(request, model);
        return {
          origin: channel.origin,
          path: geminiUpstreamPath(channel, model, gemini.method),
          headers: channel.headers,
          body: JSON.stringify(gemini.body),
        };
      }
      return {
        origin: channel.origin,
        path: openAiUpstreamPath(channel, model, 'embeddings'),
        headers: channel.headers,
        body: bodyWithModel(raw, parsed.json, request.model, model),
      };
    },
    take,
    send: (reply, headers, value, answer) => sendWholeAnswer(reply, headers, value, answer),
  };
}
