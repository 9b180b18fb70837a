import { decodeGeminiEmbedResponse } from '../protocols/gemini/decode-gemini-embed-response.ts';
import type { GeminiEmbedBody } from '../protocols/gemini/decode-gemini-embed-request.ts';
import { encodeGeminiEmbedResponse } from '../protocols/gemini/encode-gemini-embed-response.ts';
import { decodeOpenAiEmbeddingsResponse } from '../protocols/openai-embeddings/decode-openai-embeddings-response.ts';
import { encodeOpenAiEmbeddingsRequest } from '../protocols/openai-embeddings/encode-openai-embeddings-request.ts';
import { isRecord } from '../protocols/request-checks.ts';
import type { ClientLink } from './client-link.ts';
import { estimateEmbeddingTokens } from './embeddings-call.ts';
import type { EndpointCall } from './endpoint-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import type { Taken, UpstreamAnswer } from './send-with-failover.ts';
import { geminiUpstreamPath, openAiUpstreamPath } from './upstream-path.ts';
import { embeddingUsage, sendWholeAnswer, takeWholeJson, type WholeAnswer } from './whole-json-answer.ts';

/**
 * The client's own body for a Gemini channel, naming the channel's model: `embedContent`'s optional
 * `model`, and every batch request's (the API wants each to name the path's model). Unknown
 * fields, `taskType` and `title` survive.
 */
function sameFormatBody(parsed: GeminiEmbedBody, raw: Buffer, upstreamModel: string): Buffer | string {
  const { json, method, request } = parsed;
  const name = `models/${upstreamModel}`;
  if (method === 'embedContent') {
    if (json.model === undefined || upstreamModel === request.model) return raw;
    return JSON.stringify({ ...json, model: name });
  }
  const requests = Array.isArray(json.requests) ? json.requests : [];
  return JSON.stringify({
    ...json,
    requests: requests.map((item) => (isRecord(item) ? { ...item, model: name } : item)),
  });
}

/**
 * `POST /v1beta/models/{model}:embedContent` and `:batchEmbedContents` for the generic pipeline.
 * Gemini channels get the client's body under the same method (the model renamed) and answer as
 * they are; OpenAI-format channels get `/embeddings` (`outputDimensionality` as `dimensions`, with
 * a warning for the `taskType` and `title` they cannot take) and their vectors come back in Gemini's
 * shape. Priced by input tokens: the upstream's count, else our tokenizer's estimate.
 */
export function geminiEmbedCall(
  parsed: GeminiEmbedBody,
  raw: Buffer,
  endpoint: string,
): EndpointCall<WholeAnswer> {
  const { request, method } = parsed;
  const expected = request.input.kind === 'text' ? request.input.texts.length : request.input.tokens.length;

  const take = (answer: UpstreamAnswer, record: RelayRecord, link: ClientLink): Promise<Taken<WholeAnswer>> =>
    takeWholeJson(answer, link, (json, bytes): WholeAnswer => {
      if (answer.channel.provider.protocol === 'gemini') {
        const result = decodeGeminiEmbedResponse(json, expected);
        record.usage = result.inputTokens === undefined ? undefined : embeddingUsage(result.inputTokens);
        record.warnings = [];
        return { kind: 'same-format', bytes };
      }
      const result = decodeOpenAiEmbeddingsResponse(json, expected);
      record.usage = result.inputTokens === undefined ? undefined : embeddingUsage(result.inputTokens);
      record.warnings = parsed.geminiOnly;
      const body = encodeGeminiEmbedResponse(result, method);
      return { kind: 'translated', body: JSON.stringify(body) };
    });

  return {
    kind: 'embeddings',
    surface: 'gemini',
    endpoint,
    model: request.model,
    units: null,
    estimateInputTokens: () => estimateEmbeddingTokens(request),
    serves: (channel: RuntimeChannel) =>
      channel.provider.protocol === 'gemini' || channel.provider.protocol === 'openai-chat',
    unservedMessage: `No channel of model '${request.model}' serves embeddings (OpenAI-format and Gemini channels do)`,
    request(channel, model) {
      if (channel.provider.protocol === 'gemini') {
        return {
          origin: channel.origin,
          path: geminiUpstreamPath(channel, model, method),
          headers: channel.headers,
          body: sameFormatBody(parsed, raw, model),
        };
      }
      return {
        origin: channel.origin,
        path: openAiUpstreamPath(channel, model, 'embeddings'),
        headers: channel.headers,
        body: JSON.stringify(encodeOpenAiEmbeddingsRequest(request, model)),
      };
    },
    take,
    send: (reply, headers, value, answer) => sendWholeAnswer(reply, headers, value, answer),
  };
}
