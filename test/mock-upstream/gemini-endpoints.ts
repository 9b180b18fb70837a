import { gemini } from './gemini.ts';
import { googleErrorBody, googleInvalidJsonMessage } from './google-error.ts';
import { isObject } from './json.ts';
import { defaultDimensions, mockEmbedding, mockPngBase64 } from './mock-embedding.ts';
import type {
  ChatRequestView,
  MockProtocol,
  RenderedReply,
  RequestTarget,
  ResolvedChat,
} from './mock-protocol.ts';
import { uniqueId } from './unique-id.ts';

/**
 * Gemini's embedding methods and image generation as the mock serves them
 * (ai.google.dev/api/embeddings, ai.google.dev/gemini-api/docs/image-generation):
 * `models/{model}:embedContent` (`{content, outputDimensionality}` → `{embedding: {values}}`),
 * `:batchEmbedContents` (`{requests: [{model, content, …}]}` → `{embeddings: [{values}]}`), and
 * generateContent on an image model with `responseModalities` IMAGE (→ `inlineData` parts).
 */

const shared = {
  errorBody: (status: number, message?: string) => googleErrorBody(status, message),
  invalidJsonBody: () => googleErrorBody(400, googleInvalidJsonMessage),
  streamErrorFrame: () => '',
};

const problem = (message: string) => ({ status: 400, body: googleErrorBody(400, message) });

const json = (body: unknown): RenderedReply => ({
  type: 'body',
  status: 200,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: JSON.stringify(body),
});

function contentText(content: unknown): string | undefined {
  if (!isObject(content) || !Array.isArray(content.parts)) return undefined;
  let text = '';
  for (const part of content.parts) if (isObject(part) && typeof part.text === 'string') text += part.text;
  return text;
}

interface EmbedView extends ChatRequestView {
  batch: boolean;
  texts: string[];
  dimensions: number;
}

/** One embedContent request (alone, or one of a batch): its text and dimensions, or what is wrong. */
function readEmbedRequest(
  body: Record<string, unknown>,
  model: string,
  where: string,
): { text: string; dimensions: number } | string {
  const text = contentText(body.content);
  if (text === undefined || text === '') return `* ${where}content: must have at least one text part`;
  const dimensions = body.outputDimensionality;
  if (dimensions !== undefined && (typeof dimensions !== 'number' || dimensions < 1)) {
    return `* ${where}output_dimensionality: must be a positive integer`;
  }
  return { text, dimensions: typeof dimensions === 'number' ? dimensions : defaultDimensions(model) };
}

function embedView(body: unknown, target: RequestTarget, batch: boolean): EmbedView | undefined {
  if (!isObject(body)) return undefined;
  const model = target.model ?? 'gemini-embedding-001';
  const view: EmbedView = {
    model,
    stream: false,
    includeUsage: true,
    lastUserText: '',
    promptText: '',
    batch,
    texts: [],
    dimensions: defaultDimensions(model),
  };
  const items = batch ? body.requests : [body];
  if (!Array.isArray(items) || items.length === 0) {
    view.problem = problem('* BatchEmbedContentsRequest.requests: must not be empty');
    return view;
  }
  for (const [index, item] of items.entries()) {
    const where = batch ? `BatchEmbedContentsRequest.requests[${index}].` : 'EmbedContentRequest.';
    if (!isObject(item)) {
      view.problem = problem(`* ${where}: must be an object`);
      return view;
    }
    // The API refuses a batch item naming a model other than the path's.
    if (batch && item.model !== `models/${model}`) {
      view.problem = problem(`* ${where}model: must be models/${model}, got ${String(item.model)}`);
      return view;
    }
    const read = readEmbedRequest(item, model, where);
    if (typeof read === 'string') {
      view.problem = problem(read);
      return view;
    }
    view.texts.push(read.text);
    view.dimensions = read.dimensions;
  }
  view.promptText = view.texts.join('');
  view.lastUserText = view.texts.join(' ');
  return view;
}

function renderEmbeddings(request: EmbedView): RenderedReply {
  const vectors = request.texts.map((text) => ({ values: mockEmbedding(text, request.dimensions) }));
  return json(request.batch ? { embeddings: vectors } : { embedding: vectors[0] });
}

export const geminiEmbedContent: MockProtocol = {
  ...shared,
  readRequest: (body, target) => embedView(body, target, false),
  renderChat: (request: EmbedView) => renderEmbeddings(request),
};

export const geminiBatchEmbedContents: MockProtocol = {
  ...shared,
  readRequest: (body, target) => embedView(body, target, true),
  renderChat: (request: EmbedView) => renderEmbeddings(request),
};

interface ImageView extends ChatRequestView {
  wantsImage: boolean;
  candidates: number;
}

/** Output tokens Gemini 2.5 Flash Image counts per image (its pricing page). */
const tokensPerImage = 1290;

/**
 * generateContent on an image model: with `IMAGE` in `generationConfig.responseModalities`, one
 * candidate per `candidateCount` holding a PNG `inlineData` part; otherwise an ordinary Gemini
 * text answer.
 */
export const geminiImage: MockProtocol = {
  ...shared,
  readRequest(body, target): ImageView | undefined {
    const view = gemini.readRequest(body, target);
    if (view === undefined || !isObject(body)) return undefined;
    const config = isObject(body.generationConfig) ? body.generationConfig : {};
    const modalities = Array.isArray(config.responseModalities) ? config.responseModalities : [];
    const count = config.candidateCount;
    return {
      ...view,
      wantsImage: modalities.includes('IMAGE'),
      candidates: typeof count === 'number' && count > 1 ? count : 1,
    };
  },
  renderChat(request: ImageView, chat: ResolvedChat): RenderedReply {
    if (!request.wantsImage || request.stream) return gemini.renderChat(request, chat);
    const candidates = Array.from({ length: request.candidates }, (_, index) => ({
      content: { parts: [{ inlineData: { mimeType: 'image/png', data: mockPngBase64 } }], role: 'model' },
      finishReason: 'STOP',
      index,
    }));
    const output = tokensPerImage * request.candidates;
    return json({
      candidates,
      usageMetadata: {
        promptTokenCount: chat.promptTokens,
        candidatesTokenCount: output,
        totalTokenCount: chat.promptTokens + output,
      },
      modelVersion: chat.model,
      responseId: uniqueId(22),
    });
  },
};
