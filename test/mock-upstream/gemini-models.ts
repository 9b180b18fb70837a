import { googleErrorBody } from './google-error.ts';
import type { RenderedReply } from './mock-protocol.ts';

export const defaultGeminiModels = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
];

const headers = { 'content-type': 'application/json; charset=UTF-8' };

function geminiModel(id: string) {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    description: `Mock ${id}`,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: [
      'generateContent',
      'countTokens',
      'createCachedContent',
      'batchGenerateContent',
    ],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: true,
  };
}

/** `GET /v1beta/models`: Google's model list (one page, no `nextPageToken`). */
export function renderGeminiModelList(models: readonly string[]): RenderedReply {
  return { type: 'body', status: 200, headers, body: JSON.stringify({ models: models.map(geminiModel) }) };
}

/** `GET /v1beta/models/{model}`: one model, or Google's 404. */
export function renderGeminiModel(models: readonly string[], id: string): RenderedReply {
  if (models.includes(id))
    return { type: 'body', status: 200, headers, body: JSON.stringify(geminiModel(id)) };
  const body = googleErrorBody(404, `models/${id} is not found for API version v1beta`);
  return { type: 'body', status: 404, headers, body: JSON.stringify(body) };
}
