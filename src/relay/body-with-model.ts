/**
 * A same-format body for the upstream: the client's own bytes when the upstream knows the model by
 * the same name, else its JSON with only `model` rewritten (unknown fields survive either way).
 */
export const bodyWithModel = (
  raw: Buffer,
  json: Record<string, unknown>,
  clientModel: string | undefined,
  upstreamModel: string,
): Buffer | string =>
  upstreamModel === clientModel ? raw : JSON.stringify({ ...json, model: upstreamModel });
