import type { EmbeddingRequest } from '../../core/embedding-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import {
  invalid,
  isRecord,
  optionalInteger,
  optionalString,
  requiredArray,
  requiredRecord,
} from '../request-checks.ts';
import { geminiField } from './gemini-field.ts';

/** Gemini's two embedding methods (ai.google.dev/api/embeddings). */
export type GeminiEmbedMethod = 'embedContent' | 'batchEmbedContents';

export const isGeminiEmbedMethod = (method: string): method is GeminiEmbedMethod =>
  method === 'embedContent' || method === 'batchEmbedContents';

/**
 * The most requests one `batchEmbedContents` call takes: the Gemini API refuses more ("at most 100
 * requests can be in one batch").
 */
export const maxGeminiBatchRequests = 100;

/** A client's Gemini embeddings call: what the gateway reads of it, and the body as sent. */
export interface GeminiEmbedBody {
  method: GeminiEmbedMethod;
  json: Record<string, unknown>;
  request: EmbeddingRequest;
  /**
   * What only Gemini takes (`taskType`, `title`) and the client set: kept when a Gemini channel
   * serves the call, dropped with these warnings when a channel of another format does.
   */
  geminiOnly: TranslationWarning[];
}

/** One `EmbedContentRequest`, alone or in a batch. */
interface EmbedItem {
  text: string;
  dimensions: number | undefined;
  taskType: string | undefined;
  title: string | undefined;
}

/** The text of a `Content`: its text parts joined (embedding models take text only). */
function readText(value: unknown, param: string): string {
  const content = requiredRecord(value, param);
  const parts = requiredArray(content.parts, `${param}.parts`);
  if (parts.length === 0) throw invalid(`${param}.parts`, 'must hold at least one text part');
  let text = '';
  parts.forEach((part, index) => {
    if (!isRecord(part) || typeof part.text !== 'string') {
      throw invalid(`${param}.parts[${index}]`, 'must be a text part (embedding models take text only)');
    }
    text += part.text;
  });
  if (text === '') throw invalid(`${param}.parts`, 'must hold some text');
  return text;
}

function readItem(value: unknown, prefix: string, pathModel: string): EmbedItem {
  const item = requiredRecord(value, prefix === '' ? 'body' : prefix.slice(0, -1));
  const model = optionalString(geminiField(item, 'model'), `${prefix}model`);
  // The API refuses a request naming a model other than the path's.
  if (model !== undefined && model !== `models/${pathModel}` && model !== pathModel) {
    throw invalid(`${prefix}model`, `must be models/${pathModel}, the model in the path`);
  }
  const dimensions = optionalInteger(
    geminiField(item, 'outputDimensionality'),
    `${prefix}outputDimensionality`,
  );
  if (dimensions !== undefined && dimensions < 1) {
    throw invalid(`${prefix}outputDimensionality`, 'must be at least 1');
  }
  return {
    text: readText(item.content, `${prefix}content`),
    dimensions,
    taskType: optionalString(geminiField(item, 'taskType'), `${prefix}taskType`),
    title: optionalString(item.title, `${prefix}title`),
  };
}

function readItems(json: Record<string, unknown>, method: GeminiEmbedMethod, pathModel: string): EmbedItem[] {
  if (method === 'embedContent') return [readItem(json, '', pathModel)];
  const requests = requiredArray(json.requests, 'requests');
  if (requests.length === 0) throw invalid('requests', 'must not be empty');
  if (requests.length > maxGeminiBatchRequests) {
    throw invalid('requests', `takes at most ${maxGeminiBatchRequests} requests, got ${requests.length}`);
  }
  return requests.map((item, index) => readItem(item, `requests[${index}].`, pathModel));
}

/** One output size for the whole call: the core request, like OpenAI's, has one `dimensions`. */
function sharedDimensions(items: readonly EmbedItem[]): number | undefined {
  const first = items[0]?.dimensions;
  items.forEach((item, index) => {
    if (item.dimensions !== first) {
      throw invalid(
        `requests[${index}].outputDimensionality`,
        'must be the same in every request of a batch',
      );
    }
  });
  return first;
}

function geminiOnlyWarnings(items: readonly EmbedItem[], method: GeminiEmbedMethod): TranslationWarning[] {
  const field = (name: string) => (method === 'embedContent' ? name : `requests[].${name}`);
  const warnings: TranslationWarning[] = [];
  if (items.some((item) => item.taskType !== undefined)) {
    warnings.push({
      type: 'unsupported-setting',
      field: field('taskType'),
      message: "The serving upstream's embeddings take no task type: taskType was not sent",
    });
  }
  if (items.some((item) => item.title !== undefined)) {
    warnings.push({
      type: 'unsupported-setting',
      field: field('title'),
      message: "The serving upstream's embeddings take no document title: title was not sent",
    });
  }
  return warnings;
}

/**
 * A Gemini client's `models/{model}:embedContent` body (`{content, taskType, title,
 * outputDimensionality}`) or `:batchEmbedContents` body (`{requests: [EmbedContentRequest, …]}`),
 * checked by hand (the relay's hot path). `outputDimensionality` is the core `dimensions`; Gemini
 * answers with JSON numbers, so the vectors are wanted as floats.
 */
export function decodeGeminiEmbedRequest(
  json: Record<string, unknown>,
  method: GeminiEmbedMethod,
  pathModel: string,
): GeminiEmbedBody {
  const items = readItems(json, method, pathModel);
  return {
    method,
    json,
    request: {
      model: pathModel,
      input: { kind: 'text', texts: items.map((item) => item.text) },
      single: method === 'embedContent',
      dimensions: sharedDimensions(items),
      encodingFormat: 'float',
    },
    geminiOnly: geminiOnlyWarnings(items, method),
  };
}
