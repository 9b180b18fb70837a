import type { RuntimeChannel } from './runtime-channel.ts';

/** An OpenAI-format API resource: chat, or one of the non-chat routes. */
export type OpenAiResource = 'chat/completions' | 'embeddings' | 'images/generations' | 'audio/speech';

/** Where an OpenAI-format channel's requests for `resource` go (`{base_url}/{resource}`). */
export function openAiUpstreamPath(channel: RuntimeChannel, model: string, resource: OpenAiResource): string {
  const { provider, basePath } = channel;
  if (!provider.deploymentUrls) return `${basePath}/${resource}`;
  // Azure: the model is the deployment name (map it with the channel's model_map).
  const version = channel.query.get('api-version') ?? provider.deploymentUrls.defaultApiVersion;
  return `${basePath}/openai/deployments/${encodeURIComponent(model)}/${resource}?api-version=${encodeURIComponent(version)}`;
}

/** Where a Gemini channel's calls of `method` on `model` go. */
export const geminiUpstreamPath = (channel: RuntimeChannel, model: string, method: string): string =>
  `${channel.basePath}/v1beta/models/${encodeURIComponent(model)}:${method}`;

/** Where a channel's chat requests go, for the model and streaming mode (API.md 3). */
export function upstreamPath(channel: RuntimeChannel, model: string, stream: boolean): string {
  const { provider, basePath } = channel;
  switch (provider.protocol) {
    case 'openai-chat':
      return openAiUpstreamPath(channel, model, 'chat/completions');
    case 'anthropic-messages':
      return `${basePath}/v1/messages`;
    case 'gemini':
      // Without alt=sse Gemini streams one JSON array instead of server-sent events.
      return geminiUpstreamPath(channel, model, stream ? 'streamGenerateContent?alt=sse' : 'generateContent');
    default: {
      const unreachable: never = provider.protocol;
      throw new Error(`unknown protocol ${String(unreachable)}`);
    }
  }
}
