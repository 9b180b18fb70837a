import type { ChatRequest, ResponseFormat, ToolChoice } from '../../core/chat-request.ts';
import type { TextPart } from '../../core/content-part.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { ClientRequestContext, Decoded } from '../wire-protocol.ts';
import {
  checkAnthropicThinking,
  checkAnthropicToolChoice,
  readAnthropicTemperature,
} from './anthropic-request-limits.ts';
import { decodeAnthropicMessages } from './decode-anthropic-messages.ts';
import {
  decodeAnthropicToolChoice,
  decodeAnthropicTools,
  unforceDroppedTool,
} from './decode-anthropic-tools.ts';
import { DecodeWarnings } from './decode-warnings.ts';
import {
  invalidField,
  isRecord,
  missingField,
  readArray,
  readOptionalBoolean,
  readOptionalNumber,
  readOptionalString,
  readRecord,
  readString,
  readStringArray,
} from './read-request-values.ts';

/** The top-level fields read below; any other is reported as a warning, never rejected. */
const knownFields = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'thinking',
  'output_config',
  'metadata',
]);

function decodeSystem(value: unknown, warnings: DecodeWarnings): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  return readArray(value, 'system').map((item, index) => {
    const param = `system[${index}]`;
    const block = readRecord(item, param);
    if (block.type !== 'text') throw invalidField(`${param}.type`, "expected 'text'");
    warnings.cacheControl(block, param);
    return { type: 'text', text: readString(block.text, `${param}.text`) };
  });
}

/** `output_config.effort` values (the SDK's `OutputConfig`); every one is a core effort level too. */
const anthropicEfforts = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
type AnthropicEffort = (typeof anthropicEfforts)[number];
const isAnthropicEffort = (value: string): value is AnthropicEffort =>
  (anthropicEfforts as readonly string[]).includes(value);

/**
 * `thinking` and `output_config.effort` as core reasoning. `enabled` gives a budget; `adaptive` (the
 * model decides how much to think) is reasoning on with neither budget nor effort unless
 * `output_config.effort` names one. Effort without thinking on concerns the answer's length, which
 * no other format can be told: it is reported, not turned into thinking the client did not ask for.
 */
function decodeThinking(
  value: unknown,
  effort: AnthropicEffort | undefined,
  warnings: DecodeWarnings,
): ChatRequest['reasoning'] {
  if (value === undefined || value === null) {
    if (effort !== undefined) warnEffortIgnored(warnings);
    return undefined;
  }
  const thinking = readRecord(value, 'thinking');
  const type = readString(thinking.type, 'thinking.type');
  if (type === 'enabled') {
    // Its range (from 1024, below max_tokens) is checked with the rest of what a budget rules out.
    const budget = readOptionalNumber(thinking.budget_tokens, 'thinking.budget_tokens', { integer: true });
    if (budget === undefined) throw missingField('thinking.budget_tokens', 'an integer of at least 1024');
    return { budgetTokens: budget, ...(effort !== undefined ? { effort } : {}) };
  }
  if (type === 'adaptive') return effort !== undefined ? { effort } : {};
  if (type === 'disabled') {
    if (effort !== undefined) warnEffortIgnored(warnings);
    // Thinking off, said explicitly: a budget of 0, as every encoder takes it. Left out, a model
    // that thinks by default (Gemini 2.5 Flash) would think, and bill it, all the same.
    return { budgetTokens: 0 };
  }
  warnings.add({
    type: 'unsupported-setting',
    field: 'thinking.type',
    message: `thinking of type '${type}' cannot be translated and was ignored`,
  });
  if (effort !== undefined) warnEffortIgnored(warnings);
  return undefined;
}

function warnEffortIgnored(warnings: DecodeWarnings): void {
  warnings.add({
    type: 'unsupported-setting',
    field: 'output_config.effort',
    message: 'effort is translated only as a thinking budget, and thinking is off; ignored',
  });
}

interface OutputConfig {
  effort?: AnthropicEffort;
  format?: ResponseFormat;
}

/**
 * `output_config.format`: structured outputs, an answer in the given JSON schema. The only type is
 * `json_schema`; its schema is the core's, named as the other formats need a name.
 */
function decodeOutputFormat(value: unknown): ResponseFormat {
  const format = readRecord(value, 'output_config.format');
  if (format.type !== 'json_schema')
    throw invalidField('output_config.format.type', "expected 'json_schema'");
  return {
    type: 'json-schema',
    name: 'response',
    schema: readRecord(format.schema, 'output_config.format.schema'),
  };
}

/** `output_config`: its effort and format, checked; other fields are reported, not translated. */
function decodeOutputConfig(value: unknown, warnings: DecodeWarnings): OutputConfig {
  if (value === undefined || value === null) return {};
  const config = readRecord(value, 'output_config');
  for (const key of Object.keys(config)) {
    if (key === 'effort' || key === 'format' || config[key] === undefined || config[key] === null) continue;
    warnings.add({
      type: 'unsupported-setting',
      field: `output_config.${key}`,
      message: `'output_config.${key}' is not translated; ignored`,
    });
  }
  const decoded: OutputConfig = {};
  const effort = readOptionalString(config.effort ?? undefined, 'output_config.effort');
  if (effort !== undefined) {
    if (!isAnthropicEffort(effort)) {
      throw invalidField('output_config.effort', `expected one of ${anthropicEfforts.join(', ')}`);
    }
    decoded.effort = effort;
  }
  if (config.format !== undefined && config.format !== null)
    decoded.format = decodeOutputFormat(config.format);
  return decoded;
}

function decodeUser(value: unknown, warnings: DecodeWarnings): string | undefined {
  if (value === undefined || value === null) return undefined;
  const metadata = readRecord(value, 'metadata');
  for (const key of Object.keys(metadata)) {
    if (key === 'user_id') continue;
    warnings.add({ type: 'unsupported-setting', field: `metadata.${key}`, message: 'ignored' });
  }
  return readOptionalString(metadata.user_id, 'metadata.user_id');
}

/**
 * An Anthropic client's POST /v1/messages body → core request. Checked by hand (hot path); invalid
 * input is a 400 naming the field. Fields the core cannot hold become warnings.
 */
export function decodeAnthropicRequest(
  body: unknown,
  context: ClientRequestContext = {},
): Decoded<ChatRequest> {
  if (!isRecord(body))
    throw new GatewayError(400, 'invalid_request', 'The request body must be a JSON object');
  const warnings = new DecodeWarnings();
  if (typeof body.model !== 'string' || body.model === '') throw missingField('model', 'a non-empty string');
  if (body.max_tokens === undefined || body.max_tokens === null) {
    throw missingField('max_tokens', 'a positive integer');
  }
  const maxOutputTokens = readOptionalNumber(body.max_tokens, 'max_tokens', { integer: true, min: 1 });

  const request: ChatRequest = {
    model: body.model,
    system: decodeSystem(body.system, warnings),
    messages: decodeAnthropicMessages(body.messages, warnings),
    stream: readOptionalBoolean(body.stream, 'stream') ?? false,
  };
  if (body.tools !== undefined && body.tools !== null) {
    const tools = decodeAnthropicTools(body.tools, warnings);
    if (tools.length > 0) request.tools = tools;
  }
  let clientToolChoice: ToolChoice | undefined;
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const { toolChoice, parallelToolCalls } = decodeAnthropicToolChoice(body.tool_choice);
    checkAnthropicToolChoice(toolChoice, body.tools);
    clientToolChoice = toolChoice;
    request.toolChoice = unforceDroppedTool(toolChoice, request.tools, warnings);
    if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls;
  }
  const temperature = readAnthropicTemperature(body.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = readOptionalNumber(body.top_p, 'top_p', { min: 0, max: 1 });
  if (topP !== undefined) request.topP = topP;
  const topK = readOptionalNumber(body.top_k, 'top_k', { integer: true, min: 0 });
  if (topK !== undefined) request.topK = topK;
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  if (body.stop_sequences !== undefined && body.stop_sequences !== null) {
    request.stopSequences = readStringArray(body.stop_sequences, 'stop_sequences');
  }
  const outputConfig = decodeOutputConfig(body.output_config, warnings);
  const reasoning = decodeThinking(body.thinking, outputConfig.effort, warnings);
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (isRecord(body.thinking) && body.thinking.type === 'enabled' && reasoning?.budgetTokens !== undefined) {
    checkAnthropicThinking(reasoning.budgetTokens, {
      maxTokens: maxOutputTokens,
      temperature,
      topP,
      topK,
      toolChoice: clientToolChoice,
      interleaved: context.anthropicBeta?.includes('interleaved-thinking-') === true,
    });
  }
  if (outputConfig.format !== undefined) request.responseFormat = outputConfig.format;
  const user = decodeUser(body.metadata, warnings);
  if (user !== undefined) request.user = user;

  for (const key of Object.keys(body)) {
    if (knownFields.has(key)) continue;
    warnings.add({ type: 'unsupported-setting', field: key, message: `'${key}' is not translated; ignored` });
  }
  return { value: request, warnings: warnings.list };
}
