import type { RuntimeChannel } from './runtime-channel.ts';

/** Where a channel's chat requests go, for the model and streaming mode (API.md 3). */
export function upstreamPath(channel: RuntimeChannel, model: string, stream: boolean): string {
  const { provider, basePath } = channel;
  switch (provider.protocol) {
    case 'openai-chat': {
      if (!provider.deploymentUrls) return `${basePath}/chat/completions`;
      // Azure: the model is the deployment name (map it with the channel's model_map).
      const version = channel.query.get('api-version') ?? provider.deploymentUrls.defaultApiVersion;
      return `${basePath}/openai/deployments/${encodeURIComponent(model)}/chat/completions?api-version=${encodeURIComponent(version)}`;
    }
    case 'anthropic-messages':
      return `${basePath}/v1/messages`;
    case 'gemini':
      // Without alt=sse Gemini streams one JSON array instead of server-sent events.
      return `${basePath}/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
    default: {
      const unreachable: never = provider.protocol;
      throw new Error(`unknown protocol ${String(unreachable)}`);
    }
  }
}
