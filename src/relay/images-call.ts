import { tokenCount as count } from '../core/token-count.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { Usage } from '../core/usage.ts';
import { decodeGeminiImageGenerationResponse } from '../protocols/gemini/decode-gemini-image-generation-response.ts';
import { encodeGeminiImageGenerationRequest } from '../protocols/gemini/encode-gemini-image-generation-request.ts';
import { encodeOpenAiImagesResponse } from '../protocols/openai-images/encode-openai-images-response.ts';
import type { OpenAiImagesBody } from '../protocols/openai-images/parse-openai-images-body.ts';
import { isRecord } from '../protocols/request-checks.ts';
import { bodyWithModel } from './body-with-model.ts';
import type { ClientLink } from './client-link.ts';
import type { EndpointCall } from './endpoint-call.ts';
import type { RelayRecord } from './relay-record.ts';
import type { Taken, UpstreamAnswer } from './send-with-failover.ts';
import { takeWhole } from './take-answer.ts';
import { geminiUpstreamPath, openAiUpstreamPath } from './upstream-path.ts';
import { parseAnswer, sendWholeAnswer, unreadableAnswer, type WholeAnswer } from './whole-json-answer.ts';

/** GPT image models report tokens (`usage.input_tokens`, `output_tokens`); DALL·E reports none. */
function readImagesUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  return {
    inputTokens: count(usage.input_tokens),
    outputTokens: count(usage.output_tokens),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * `POST /v1/images/generations` for the generic pipeline. OpenAI-format channels get the client's
 * body (the model renamed) and their answer passes through; Gemini channels get generateContent with
 * `responseModalities: ["IMAGE"]`, and their inline images come back as `b64_json` (or `data:` URLs
 * when the client asked for `url`). Priced per image: the record's units are the images made.
 */
export function imagesCall(
  parsed: OpenAiImagesBody,
  raw: Buffer,
  endpoint: string,
): EndpointCall<WholeAnswer> {
  const { request } = parsed;

  async function take(
    answer: UpstreamAnswer,
    record: RelayRecord,
    link: ClientLink,
  ): Promise<Taken<WholeAnswer>> {
    const whole = await takeWhole(answer, link);
    if (!whole.ok) return whole;
    const { bytes } = whole.value;
    let json: unknown;
    try {
      json = parseAnswer(bytes);
      if (answer.channel.provider.protocol !== 'gemini') {
        const data = isRecord(json) ? json.data : undefined;
        if (!Array.isArray(data)) throw new Error("the images answer has no 'data' list");
        record.units = data.length;
        record.usage = readImagesUsage(isRecord(json) ? json.usage : undefined);
        return { ok: true, value: { kind: 'same-format', bytes } };
      }
    } catch (error) {
      return { ok: false, failure: unreadableAnswer(answer, error) };
    }
    let generated;
    try {
      generated = decodeGeminiImageGenerationResponse(json);
    } catch (error) {
      return { ok: false, failure: unreadableAnswer(answer, error) };
    }
    if (generated.refusal !== undefined) {
      // The model declined the prompt (a safety block): another channel of the model would too.
      return {
        ok: false,
        failure: {
          error: new GatewayError(400, 'invalid_request', `The model made no image (${generated.refusal})`, {
            param: 'prompt',
          }),
          outcome: 'refused',
          retryable: false,
          detail: `no image: ${generated.refusal}`,
          clientError: true,
        },
      };
    }
    record.units = generated.images.length;
    record.usage = generated.usage;
    const body = encodeOpenAiImagesResponse(generated, request.responseFormat);
    return { ok: true, value: { kind: 'translated', body: JSON.stringify(body) } };
  }

  return {
    kind: 'images',
    surface: 'openai',
    endpoint,
    model: request.model,
    units: request.count,
    serves: (channel) =>
      channel.provider.protocol === 'openai-chat' || channel.provider.protocol === 'gemini',
    unservedMessage: `No channel of model '${request.model}' generates images (OpenAI-format and Gemini channels do)`,
    request(channel, model) {
      if (channel.provider.protocol === 'gemini') {
        return {
          origin: channel.origin,
          path: geminiUpstreamPath(channel, model, 'generateContent'),
          headers: channel.headers,
          body: JSON.stringify(encodeGeminiImageGenerationRequest(request)),
        };
      }
      return {
        origin: channel.origin,
        path: openAiUpstreamPath(channel, model, 'images/generations'),
        headers: channel.headers,
        body: bodyWithModel(
          raw,
          parsed.json,
          parsed.json.model === request.model ? request.model : undefined,
          model,
        ),
      };
    },
    take,
    send: (reply, headers, value, answer) => sendWholeAnswer(reply, headers, value, answer),
  };
}
