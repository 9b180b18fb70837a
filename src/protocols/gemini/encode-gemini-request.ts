import type { ChatRequest, ResponseFormat } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import type { Decoded } from '../wire-protocol.ts';
import { cleanGeminiSchema, isEmptyObjectSchema } from './clean-gemini-schema.ts';
import { encodeGeminiContents } from './encode-gemini-contents.ts';
import { encodeGeminiThinking } from './encode-gemini-thinking.ts';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiRequest,
  GeminiToolConfig,
} from './gemini-wire-types.ts';

/** Gemini takes at most five stop sequences (the API answers 400 beyond that). */
const maxStopSequences = 5;

/** Models before 2.5 know only the OpenAPI-subset `responseSchema`, not `responseJsonSchema`. */
const knowsOnlyResponseSchema = (model: string): boolean => /(^|\/)gemini-(1\.|2\.0)/i.test(model);

function encodeDeclarations(
  request: ChatRequest,
  warnings: TranslationWarning[],
): GeminiFunctionDeclaration[] {
  return (request.tools ?? []).map((tool, index) => {
    const field = `tools[${index}]`;
    if (tool.strict) {
      warnings.push({
        type: 'unsupported-setting',
        field: `${field}.strict`,
        message: 'Gemini has no strict mode for function calls; calls are not checked against the schema',
      });
    }
    const parameters = cleanGeminiSchema(tool.parameters, `${field}.parameters`, warnings);
    return {
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      // Gemini refuses an object schema without properties; a function without parameters has none.
      ...(isEmptyObjectSchema(parameters) ? {} : { parameters }),
    };
  });
}

function encodeToolConfig(
  request: ChatRequest,
  warnings: TranslationWarning[],
): GeminiToolConfig | undefined {
  const choice = request.toolChoice;
  if (choice === undefined) return undefined;
  if (!request.tools?.length) {
    // A choice that forces a call cannot be kept without tools; 'auto' and 'none' lose nothing.
    if (choice !== 'auto' && choice !== 'none') {
      warnings.push({ type: 'unsupported-setting', field: 'toolChoice', message: 'no tools given; ignored' });
    }
    return undefined;
  }
  if (typeof choice === 'object') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
  switch (choice) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    default: {
      const unreachable: never = choice;
      throw new Error(`unknown tool choice ${String(unreachable)}`);
    }
  }
}

function encodeResponseFormat(
  format: ResponseFormat | undefined,
  upstreamModel: string,
  warnings: TranslationWarning[],
): Pick<GeminiGenerationConfig, 'responseMimeType' | 'responseSchema' | 'responseJsonSchema'> {
  if (format === undefined) return {};
  switch (format.type) {
    case 'text':
      return {};
    case 'json-object':
      return { responseMimeType: 'application/json' };
    case 'json-schema': {
      const schema =
        format.description !== undefined && format.schema.description === undefined
          ? { ...format.schema, description: format.description }
          : format.schema;
      if (knowsOnlyResponseSchema(upstreamModel)) {
        const cleaned = cleanGeminiSchema(schema, 'response_format.json_schema', warnings);
        return { responseMimeType: 'application/json', responseSchema: cleaned };
      }
      return { responseMimeType: 'application/json', responseJsonSchema: schema };
    }
    default: {
      const unreachable: never = format;
      throw new Error(`unknown response format ${String(unreachable)}`);
    }
  }
}

function encodeGenerationConfig(
  request: ChatRequest,
  upstreamModel: string,
  warnings: TranslationWarning[],
): GeminiGenerationConfig {
  let stopSequences = request.stopSequences;
  if (stopSequences && stopSequences.length > maxStopSequences) {
    warnings.push({
      type: 'changed-value',
      field: 'stop',
      message: `Gemini takes at most ${maxStopSequences} stop sequences; the rest were dropped`,
    });
    stopSequences = stopSequences.slice(0, maxStopSequences);
  }
  if (request.choiceCount !== undefined && request.choiceCount > 1) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'n',
      message: 'Only one choice can be relayed; one candidate was asked for',
    });
  }
  const thinkingConfig = encodeGeminiThinking(request.reasoning, upstreamModel, warnings);
  const config: GeminiGenerationConfig = {
    temperature: request.temperature,
    topP: request.topP,
    topK: request.topK,
    maxOutputTokens: request.maxOutputTokens,
    stopSequences: stopSequences?.length ? stopSequences : undefined,
    seed: request.seed,
    presencePenalty: request.presencePenalty,
    frequencyPenalty: request.frequencyPenalty,
    candidateCount: request.choiceCount !== undefined ? 1 : undefined,
    ...encodeResponseFormat(request.responseFormat, upstreamModel, warnings),
    thinkingConfig,
  };
  return Object.fromEntries(
    Object.entries(config).filter(([, value]) => value !== undefined),
  ) as GeminiGenerationConfig;
}

/**
 * A core request as the body for `POST {base}/v1beta/models/{upstreamModel}:generateContent` (or
 * `:streamGenerateContent?alt=sse`; the relay builds the URL). What Gemini cannot take is dropped
 * with a warning.
 */
export function encodeGeminiRequest(
  request: ChatRequest,
  upstreamModel: string,
): Decoded<Record<string, unknown>> {
  const warnings: TranslationWarning[] = [];
  const body: GeminiRequest = encodeGeminiContents(request, upstreamModel, warnings);
  const declarations = encodeDeclarations(request, warnings);
  if (declarations.length > 0) body.tools = [{ functionDeclarations: declarations }];
  const toolConfig = encodeToolConfig(request, warnings);
  if (toolConfig) body.toolConfig = toolConfig;
  const generationConfig = encodeGenerationConfig(request, upstreamModel, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  // Without a function to call (server tools alone are dropped), the flag asks for nothing.
  if (request.parallelToolCalls === false && body.tools !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      field: 'parallel_tool_calls',
      message: 'Gemini cannot be told to call one function at a time',
    });
  }
  if (request.user !== undefined) {
    warnings.push({ type: 'unsupported-setting', field: 'user', message: 'Gemini takes no end-user id' });
  }
  return { value: { ...body }, warnings };
}
