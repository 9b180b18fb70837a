import { audioContentTypes, speechAudio, splitAudio, type AudioFormat } from './mock-audio.ts';
import { defaultDimensions, mockEmbedding, mockPngBase64 } from './mock-embedding.ts';
import { isObject } from './json.ts';
import type { ChatRequestView, MockProtocol, RenderedReply, ResolvedChat } from './mock-protocol.ts';
import { openAIErrorBody, openAIInvalidJsonMessage } from './openai-error.ts';
import { uniqueId } from './unique-id.ts';

/**
 * OpenAI's non-chat routes as the mock serves them (platform.openai.com/docs/api-reference):
 * `POST /v1/embeddings`, `/v1/images/generations` and `/v1/audio/speech`. Scripted `chat`/`echo`
 * replies give the normal answer (a `chat` reply's `usage.prompt_tokens` and `model` are used;
 * `chunks` and `delayBetweenChunksMs` pace the audio); the fault replies work as for chat.
 */

function problem(message: string, param: string | null) {
  return {
    status: 400,
    body: { error: { message, type: 'invalid_request_error', param, code: null } },
  };
}

const json = (body: unknown): RenderedReply => ({
  type: 'body',
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const shared = {
  errorBody: openAIErrorBody,
  invalidJsonBody: () => openAIErrorBody(400, openAIInvalidJsonMessage),
  streamErrorFrame: () => '',
};

interface EmbeddingsView extends ChatRequestView {
  inputs: string[];
  dimensions: number;
  base64: boolean;
}

function float32Base64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

export const openAIEmbeddings: MockProtocol = {
  ...shared,
  readRequest(body): EmbeddingsView | undefined {
    if (!isObject(body)) return undefined;
    const input = body.input;
    const inputs =
      typeof input === 'string'
        ? [input]
        : Array.isArray(input)
          ? input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
          : [];
    const model = typeof body.model === 'string' ? body.model : '';
    const view: EmbeddingsView = {
      model,
      stream: false,
      includeUsage: true,
      lastUserText: inputs.join(' '),
      promptText: inputs.join(''),
      inputs,
      dimensions: typeof body.dimensions === 'number' ? body.dimensions : defaultDimensions(model),
      base64: body.encoding_format === 'base64',
    };
    if (model === '') view.problem = problem('you must provide a model parameter', null);
    else if (inputs.length === 0 || inputs.includes('')) {
      view.problem = problem("'$.input' is invalid. Please check the API reference.", null);
    }
    return view;
  },
  renderChat(request: EmbeddingsView, chat: ResolvedChat): RenderedReply {
    return json({
      object: 'list',
      data: request.inputs.map((text, index) => {
        const vector = mockEmbedding(text, request.dimensions);
        return { object: 'embedding', index, embedding: request.base64 ? float32Base64(vector) : vector };
      }),
      model: chat.model,
      usage: { prompt_tokens: chat.promptTokens, total_tokens: chat.promptTokens },
    });
  },
};

interface ImagesView extends ChatRequestView {
  count: number;
  asUrl: boolean;
}

export const openAIImages: MockProtocol = {
  ...shared,
  readRequest(body): ImagesView | undefined {
    if (!isObject(body)) return undefined;
    const model = typeof body.model === 'string' ? body.model : 'dall-e-2';
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    const view: ImagesView = {
      model,
      stream: false,
      includeUsage: true,
      lastUserText: prompt,
      promptText: prompt,
      count: typeof body.n === 'number' ? body.n : 1,
      // GPT image models always answer in base64; DALL·E sends URLs unless asked otherwise.
      asUrl: !model.startsWith('gpt-image') && body.response_format !== 'b64_json',
    };
    if (prompt === '') view.problem = problem("Missing required parameter: 'prompt'.", 'prompt');
    else if (model === 'dall-e-3' && view.count !== 1) {
      view.problem = problem('You must provide n=1 for this model.', 'n');
    }
    return view;
  },
  renderChat(request: ImagesView, chat: ResolvedChat): RenderedReply {
    const data = Array.from({ length: request.count }, () =>
      request.asUrl
        ? { url: `https://images.mock-upstream.invalid/img-${uniqueId(24)}.png` }
        : { b64_json: mockPngBase64 },
    );
    const usage = request.model.startsWith('gpt-image')
      ? {
          usage: {
            input_tokens: chat.promptTokens,
            output_tokens: 272 * request.count,
            total_tokens: chat.promptTokens + 272 * request.count,
            input_tokens_details: { text_tokens: chat.promptTokens, image_tokens: 0 },
          },
        }
      : {};
    return json({ created: Math.floor(Date.now() / 1000), data, ...usage });
  },
};

interface SpeechView extends ChatRequestView {
  format: AudioFormat;
}

const audioFormats = new Set<string>(Object.keys(audioContentTypes));

export const openAISpeech: MockProtocol = {
  ...shared,
  readRequest(body): SpeechView | undefined {
    if (!isObject(body)) return undefined;
    const input = typeof body.input === 'string' ? body.input : '';
    const format = typeof body.response_format === 'string' ? body.response_format : 'mp3';
    const view: SpeechView = {
      model: typeof body.model === 'string' ? body.model : '',
      stream: true,
      includeUsage: false,
      lastUserText: input,
      promptText: input,
      format: (audioFormats.has(format) ? format : 'mp3') as AudioFormat,
    };
    if (input === '') view.problem = problem("Missing required parameter: 'input'.", 'input');
    else if (typeof body.voice !== 'string' && !isObject(body.voice)) {
      view.problem = problem("Missing required parameter: 'voice'.", 'voice');
    } else if (!audioFormats.has(format)) {
      view.problem = problem(`Invalid value: '${format}'.`, 'response_format');
    }
    return view;
  },
  renderChat(request: SpeechView, chat: ResolvedChat): RenderedReply {
    return {
      type: 'binary',
      status: 200,
      headers: { 'content-type': audioContentTypes[request.format], 'transfer-encoding': 'chunked' },
      chunks: splitAudio(speechAudio(request.format, request.lastUserText), chat.chunks),
    };
  },
};
