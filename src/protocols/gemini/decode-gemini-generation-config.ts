import type { ChatRequest, ReasoningEffort, ResponseFormat } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import {
  invalid,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
} from '../request-checks.ts';
import { geminiField, optionalRecord, optionalStringArray } from './gemini-field.ts';
import { geminiSchemaToJsonSchema } from './gemini-schema-to-json-schema.ts';

type GenerationFields = Pick<
  ChatRequest,
  | 'temperature'
  | 'topP'
  | 'topK'
  | 'maxOutputTokens'
  | 'stopSequences'
  | 'seed'
  | 'presencePenalty'
  | 'frequencyPenalty'
  | 'choiceCount'
  | 'responseFormat'
  | 'reasoning'
>;

/** generationConfig fields this module reads; any other one is reported as not relayed. */
const known = new Set([
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'stopSequences',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'candidateCount',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
]);

const efforts: readonly string[] = ['minimal', 'low', 'medium', 'high'];
const isEffort = (value: string): value is ReasoningEffort => efforts.includes(value);
const camelCase = (name: string) =>
  name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());

function decodeResponseFormat(
  config: Record<string, unknown>,
  param: string,
  warnings: TranslationWarning[],
): ResponseFormat | undefined {
  const mimeType = optionalString(geminiField(config, 'responseMimeType'), `${param}.responseMimeType`);
  const jsonSchema = optionalRecord(geminiField(config, 'responseJsonSchema'), `${param}.responseJsonSchema`);
  const schema = optionalRecord(geminiField(config, 'responseSchema'), `${param}.responseSchema`);
  if (mimeType === undefined || mimeType === 'text/plain') return undefined;
  if (mimeType !== 'application/json') {
    warnings.push({
      type: 'unsupported-setting',
      field: `${param}.responseMimeType`,
      message: `'${mimeType}' output is not relayed; plain text is asked for instead`,
    });
    return undefined;
  }
  const resolved = jsonSchema ?? (schema ? geminiSchemaToJsonSchema(schema) : undefined);
  // Gemini names no schema; `response` stands in where other formats need a name.
  return resolved ? { type: 'json-schema', name: 'response', schema: resolved } : { type: 'json-object' };
}

/**
 * `thinkingConfig` as core reasoning: a budget of 0 or more is kept (0 turns thinking off), -1
 * ("dynamic") and `includeThoughts` alone mean reasoning on at the provider's default, and a
 * thinking level is an effort. `includeThoughts` is kept (false unless the client asked), since
 * Gemini answers with thought parts only then.
 */
function decodeThinking(config: Record<string, unknown>, param: string): ChatRequest['reasoning'] {
  const thinking = optionalRecord(geminiField(config, 'thinkingConfig'), `${param}.thinkingConfig`);
  if (!thinking) return undefined;
  const budget = optionalInteger(
    geminiField(thinking, 'thinkingBudget'),
    `${param}.thinkingConfig.thinkingBudget`,
  );
  const level = optionalString(
    geminiField(thinking, 'thinkingLevel'),
    `${param}.thinkingConfig.thinkingLevel`,
  );
  const include = optionalBoolean(
    geminiField(thinking, 'includeThoughts'),
    `${param}.thinkingConfig.includeThoughts`,
  );
  if (budget !== undefined && budget < -1) {
    throw invalid(`${param}.thinkingConfig.thinkingBudget`, 'must be -1 (dynamic) or more');
  }
  const effort = level?.toLowerCase();
  if (effort !== undefined && effort !== 'thinking_level_unspecified' && !isEffort(effort)) {
    throw invalid(`${param}.thinkingConfig.thinkingLevel`, 'must be MINIMAL, LOW, MEDIUM or HIGH');
  }
  const reasoning = {
    ...(effort !== undefined && isEffort(effort) ? { effort } : {}),
    ...(budget !== undefined && budget >= 0 ? { budgetTokens: budget } : {}),
  };
  return budget !== undefined || Object.keys(reasoning).length > 0 || include === true
    ? { ...reasoning, includeThoughts: include === true }
    : undefined;
}

/** A Gemini client's `generationConfig` as core request fields. */
export function decodeGeminiGenerationConfig(
  config: Record<string, unknown> | undefined,
  warnings: TranslationWarning[],
): GenerationFields {
  if (!config) return {};
  const param = 'generationConfig';
  const at = (name: string) => `${param}.${name}`;
  for (const key of Object.keys(config)) {
    const name = camelCase(key);
    if (known.has(name)) continue;
    const value = config[key];
    // Text-only output is what every upstream gives anyway.
    if (name === 'responseModalities' && Array.isArray(value) && value.every((item) => item === 'TEXT'))
      continue;
    warnings.push({ type: 'unsupported-setting', field: at(name), message: `'${name}' is not relayed` });
  }
  const fields: GenerationFields = {
    temperature: optionalNumber(geminiField(config, 'temperature'), at('temperature')),
    topP: optionalNumber(geminiField(config, 'topP'), at('topP')),
    topK: optionalInteger(geminiField(config, 'topK'), at('topK')),
    maxOutputTokens: optionalInteger(geminiField(config, 'maxOutputTokens'), at('maxOutputTokens')),
    stopSequences: optionalStringArray(geminiField(config, 'stopSequences'), at('stopSequences')),
    seed: optionalInteger(geminiField(config, 'seed'), at('seed')),
    presencePenalty: optionalNumber(geminiField(config, 'presencePenalty'), at('presencePenalty')),
    frequencyPenalty: optionalNumber(geminiField(config, 'frequencyPenalty'), at('frequencyPenalty')),
    choiceCount: optionalInteger(geminiField(config, 'candidateCount'), at('candidateCount')),
    responseFormat: decodeResponseFormat(config, param, warnings),
    reasoning: decodeThinking(config, param),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as GenerationFields;
}
