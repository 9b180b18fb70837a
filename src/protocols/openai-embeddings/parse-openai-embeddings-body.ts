import type { EmbeddingInput, EmbeddingRequest } from '../../core/embedding-request.ts';
import { parseJsonBody } from '../../http/parse-json-body.ts';
import { invalid, optionalInteger, optionalString, requiredString } from '../request-checks.ts';

/** OpenAI's limit on inputs per request (platform.openai.com/docs/api-reference/embeddings/create). */
export const maxEmbeddingInputs = 2048;

/** An OpenAI embeddings request: what the gateway reads of it, and the body as sent. */
export interface OpenAiEmbeddingsBody {
  json: Record<string, unknown>;
  request: EmbeddingRequest;
}

const isTokenId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function tokenArray(value: unknown[], param: string): number[] {
  if (value.length === 0) throw invalid(param, 'must not be an empty token array');
  if (!value.every(isTokenId)) throw invalid(param, 'must hold only token ids (whole numbers ≥ 0)');
  return value as number[];
}

/**
 * `input` as OpenAI takes it: a string, an array of strings, an array of token ids, or an array of
 * token-id arrays; never empty.
 */
function readInput(value: unknown): { input: EmbeddingInput; single: boolean } {
  if (typeof value === 'string') {
    if (value === '') throw invalid('input', 'must not be an empty string');
    return { input: { kind: 'text', texts: [value] }, single: true };
  }
  if (!Array.isArray(value)) {
    throw invalid('input', 'is required: a string, an array of strings, or an array of token arrays');
  }
  if (value.length === 0) throw invalid('input', 'must not be an empty array');
  if (value.length > maxEmbeddingInputs) {
    throw invalid('input', `takes at most ${maxEmbeddingInputs} items, got ${value.length}`);
  }
  const first: unknown = value[0];
  if (typeof first === 'string') {
    value.forEach((item, index) => {
      if (typeof item !== 'string') throw invalid(`input[${index}]`, 'must be a string like the others');
      if (item === '') throw invalid(`input[${index}]`, 'must not be an empty string');
    });
    return { input: { kind: 'text', texts: value as string[] }, single: false };
  }
  if (isTokenId(first))
    return { input: { kind: 'tokens', tokens: [tokenArray(value, 'input')] }, single: true };
  if (Array.isArray(first)) {
    const tokens = value.map((item, index) => {
      if (!Array.isArray(item)) throw invalid(`input[${index}]`, 'must be a token array like the others');
      return tokenArray(item, `input[${index}]`);
    });
    return { input: { kind: 'tokens', tokens }, single: false };
  }
  throw invalid('input[0]', 'must be a string, a token id or a token array');
}

/** Parses and checks an OpenAI `POST /v1/embeddings` body, by hand (the relay's hot path). */
export function parseOpenAiEmbeddingsBody(raw: Buffer | undefined): OpenAiEmbeddingsBody {
  const json = parseJsonBody(raw);
  const model = requiredString(json.model, 'model');
  const { input, single } = readInput(json.input);
  const dimensions = optionalInteger(json.dimensions, 'dimensions');
  if (dimensions !== undefined && dimensions < 1) throw invalid('dimensions', 'must be at least 1');
  const encodingFormat = optionalString(json.encoding_format, 'encoding_format') ?? 'float';
  if (encodingFormat !== 'float' && encodingFormat !== 'base64') {
    throw invalid('encoding_format', "must be 'float' or 'base64'");
  }
  optionalString(json.user, 'user');
  return { json, request: { model, input, single, dimensions, encodingFormat } };
}
