import type { ImageRequest } from '../../core/image-request.ts';
import { parseJsonBody } from '../../http/parse-json-body.ts';
import { invalid, optionalInteger, optionalString, requiredString } from '../request-checks.ts';

/** What OpenAI's images API generates with when a request names no model. */
export const defaultImageModel = 'dall-e-2';

/** An OpenAI image-generation request: what the gateway reads of it, and the body as sent. */
export interface OpenAiImagesBody {
  json: Record<string, unknown>;
  request: ImageRequest;
}

const sizePattern = /^(\d{1,5})x(\d{1,5})$/;

function readSize(value: unknown): ImageRequest['size'] {
  const size = optionalString(value, 'size');
  if (size === undefined || size === 'auto') return undefined;
  const match = sizePattern.exec(size);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1)
    throw invalid('size', "must be 'auto' or WIDTHxHEIGHT, e.g. 1024x1024");
  return { width, height };
}

/**
 * Parses and checks an OpenAI `POST /v1/images/generations` body, by hand. Model-specific limits
 * (DALL·E 3 makes one image, its sizes, quality and style values) are the upstream's to enforce.
 */
export function parseOpenAiImagesBody(raw: Buffer | undefined): OpenAiImagesBody {
  const json = parseJsonBody(raw);
  const prompt = requiredString(json.prompt, 'prompt');
  const model =
    json.model === undefined || json.model === null ? defaultImageModel : requiredString(json.model, 'model');
  const count = optionalInteger(json.n, 'n') ?? 1;
  if (count < 1 || count > 10) throw invalid('n', 'must be between 1 and 10');
  const responseFormat = optionalString(json.response_format, 'response_format');
  if (responseFormat !== undefined && responseFormat !== 'url' && responseFormat !== 'b64_json') {
    throw invalid('response_format', "must be 'url' or 'b64_json'");
  }
  if (json.stream === true) throw invalid('stream', 'streamed image generation is not supported');
  return { json, request: { model, prompt, count, size: readSize(json.size), responseFormat } };
}
