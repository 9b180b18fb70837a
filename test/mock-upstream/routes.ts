import type { IncomingHttpHeaders } from 'node:http';
import { anthropicMessages } from './anthropic-messages.ts';
import { gemini } from './gemini.ts';
import { geminiBatchEmbedContents, geminiEmbedContent, geminiImage } from './gemini-endpoints.ts';
import type { MockProtocol } from './mock-protocol.ts';
import { openAIChat } from './openai-chat.ts';
import { openAIEmbeddings, openAIImages, openAISpeech } from './openai-endpoints.ts';

export type ModelListFormat = 'openai' | 'anthropic' | 'gemini';

export type MockRoute =
  /**
   * A scripted exchange in `protocol`'s format: chat, or one of the non-chat routes (embeddings,
   * images, speech). `model` and `stream`: what the path says (Gemini's model and method, Azure's
   * deployment).
   */
  | { kind: 'chat'; protocol: MockProtocol; model?: string; stream?: boolean }
  /** `model`: one model's entry rather than the list (Gemini's `GET /v1beta/models/{model}`). */
  | { kind: 'models'; format: ModelListFormat; model?: string };

const openAIChatRoute: MockRoute = { kind: 'chat', protocol: openAIChat };
const anthropicRoute: MockRoute = { kind: 'chat', protocol: anthropicMessages };
const openAIModelsRoute: MockRoute = { kind: 'models', format: 'openai' };
const anthropicModelsRoute: MockRoute = { kind: 'models', format: 'anthropic' };
const geminiModelsRoute: MockRoute = { kind: 'models', format: 'gemini' };

// Azure OpenAI puts the deployment in the path: /openai/deployments/{deployment}/chat/completions?api-version=…
const azureChatPath = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
// Gemini: /v1beta/models/{model}:generateContent, …:streamGenerateContent (and the same under /v1).
const geminiChatPath = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const geminiEmbedPath = /^\/(?:v1beta|v1)\/models\/([^/:]+):(embedContent|batchEmbedContents)$/;
// OpenAI's non-chat routes, under /v1 or (OpenAI-compatible providers, Azure) without it.
const openAIEndpoints: Readonly<Record<string, MockProtocol>> = {
  embeddings: openAIEmbeddings,
  'images/generations': openAIImages,
  'audio/speech': openAISpeech,
};
const openAIEndpointPath = /^(?:\/v1|\/openai\/v1)?\/(embeddings|images\/generations|audio\/speech)$/;
const azureEndpointPath = /^\/openai\/deployments\/([^/]+)\/(embeddings|images\/generations|audio\/speech)$/;
const geminiModelPath = /^\/v1beta\/models\/([^/:]+)$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The route for a request, undefined for an unknown one. Besides OpenAI's `/v1/…`: OpenAI-compatible
 * providers whose base URL has no `/v1` (DeepSeek), Azure's deployment and `/openai/v1` paths,
 * Anthropic's `/v1/messages` (and its model list: `/v1/models` with an `anthropic-version` header),
 * Gemini's `/v1beta/models…`.
 */
export function matchRoute(
  method: string,
  pathname: string,
  headers: IncomingHttpHeaders,
): MockRoute | undefined {
  if (method === 'POST') {
    if (pathname === '/v1/chat/completions' || pathname === '/chat/completions') return openAIChatRoute;
    if (pathname === '/openai/v1/chat/completions') return openAIChatRoute;
    if (pathname === '/v1/messages') return anthropicRoute;
    const azure = azureChatPath.exec(pathname);
    if (azure?.[1] !== undefined)
      return { kind: 'chat', protocol: openAIChat, model: decodeSegment(azure[1]) };
    const endpoint = openAIEndpointPath.exec(pathname);
    if (endpoint?.[1] !== undefined) return { kind: 'chat', protocol: openAIEndpoints[endpoint[1]]! };
    const azureEndpoint = azureEndpointPath.exec(pathname);
    if (azureEndpoint?.[1] !== undefined && azureEndpoint[2] !== undefined) {
      return {
        kind: 'chat',
        protocol: openAIEndpoints[azureEndpoint[2]]!,
        model: decodeSegment(azureEndpoint[1]),
      };
    }
    const embed = geminiEmbedPath.exec(pathname);
    if (embed?.[1] !== undefined) {
      return {
        kind: 'chat',
        protocol: embed[2] === 'embedContent' ? geminiEmbedContent : geminiBatchEmbedContents,
        model: decodeSegment(embed[1]),
      };
    }
    const google = geminiChatPath.exec(pathname);
    if (google?.[1] !== undefined) {
      const model = decodeSegment(google[1]);
      return {
        kind: 'chat',
        // Image models (gemini-2.5-flash-image, …) answer IMAGE requests with inline images.
        protocol: model.includes('-image') ? geminiImage : gemini,
        model,
        stream: google[2] === 'streamGenerateContent',
      };
    }
  } else if (method === 'GET') {
    if (pathname === '/v1/models' || pathname === '/models') {
      return headers['anthropic-version'] === undefined ? openAIModelsRoute : anthropicModelsRoute;
    }
    if (pathname === '/v1beta/models') return geminiModelsRoute;
    const model = geminiModelPath.exec(pathname);
    if (model?.[1] !== undefined) return { kind: 'models', format: 'gemini', model: decodeSegment(model[1]) };
  }
  return undefined;
}
