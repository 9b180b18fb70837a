import type { MockProtocol } from './mock-protocol.ts';
import { openAIChat } from './openai-chat.ts';

export type MockRoute = { kind: 'chat'; protocol: MockProtocol } | { kind: 'models' };

const openAIChatRoute: MockRoute = { kind: 'chat', protocol: openAIChat };
const modelsRoute: MockRoute = { kind: 'models' };

// Azure OpenAI puts the deployment in the path: /openai/deployments/{deployment}/chat/completions?api-version=…
const azureChatPath = /^\/openai\/deployments\/[^/]+\/chat\/completions$/;

/**
 * The route for a request, undefined for an unknown one. Besides `/v1/…`, OpenAI-compatible
 * providers whose base URL has no `/v1` (DeepSeek) and Azure's deployment paths are served too.
 */
export function matchRoute(method: string, pathname: string): MockRoute | undefined {
  if (method === 'POST') {
    if (pathname === '/v1/chat/completions' || pathname === '/chat/completions') return openAIChatRoute;
    if (azureChatPath.test(pathname)) return openAIChatRoute;
  } else if (method === 'GET') {
    if (pathname === '/v1/models' || pathname === '/models') return modelsRoute;
  }
  return undefined;
}
