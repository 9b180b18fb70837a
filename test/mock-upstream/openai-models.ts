import type { RenderedReply } from './mock-protocol.ts';

export const defaultOpenAIModels = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'o3-mini',
];

/** `GET /v1/models`: OpenAI's model list. */
export function renderOpenAIModelList(models: readonly string[]): RenderedReply {
  const body = {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })),
  };
  return {
    type: 'body',
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
