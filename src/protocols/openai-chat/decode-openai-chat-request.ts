import type {
  ChatRequest,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../core/chat-request.ts';
import type { AssistantContentPart, TextPart, UserContentPart } from '../../core/content-part.ts';
import type { Message } from '../../core/message.ts';
import { extractSignature } from '../../core/tool-call-id.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { imageSourceFromUrl } from '../image-source.ts';
import {
  invalid,
  isRecord,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  requiredArray,
  requiredRecord,
  requiredString,
} from '../request-checks.ts';
import type { Decoded } from '../wire-protocol.ts';
import { decodeOpenAiFilePart } from './decode-openai-file-part.ts';

/** Fields this decoder maps; any other top-level field becomes a warning when translating. */
const knownFields = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'reasoning_effort',
  'user',
  'n',
]);

const efforts = new Set<ReasoningEffort>(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

function textOf(content: unknown, param: string): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return requiredArray(content, param).map((part, index) => {
    const where = `${param}[${index}]`;
    const record = requiredRecord(part, where);
    if (record.type !== 'text' && record.type !== 'refusal')
      throw invalid(`${where}.type`, "must be 'text' here");
    return { type: 'text', text: requiredString(record.text ?? record.refusal, `${where}.text`) };
  });
}

function userContent(content: unknown, param: string, warnings: TranslationWarning[]): UserContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: UserContentPart[] = [];
  requiredArray(content, param).forEach((part, index) => {
    const where = `${param}[${index}]`;
    const record = requiredRecord(part, where);
    switch (record.type) {
      case 'text':
        parts.push({ type: 'text', text: requiredString(record.text, `${where}.text`) });
        return;
      case 'image_url': {
        const image = requiredRecord(record.image_url, `${where}.image_url`);
        const detail = image.detail;
        parts.push({
          type: 'image',
          source: imageSourceFromUrl(requiredString(image.url, `${where}.image_url.url`)),
          ...(detail === 'auto' || detail === 'low' || detail === 'high' ? { detail } : {}),
        });
        return;
      }
      case 'file': {
        const document = decodeOpenAiFilePart(record, where, warnings);
        if (document) parts.push(document);
        return;
      }
      default:
        warnings.push({
          type: 'unsupported-content',
          field: where,
          message: `content of type '${String(record.type)}' cannot be translated and was left out`,
        });
    }
  });
  return parts;
}

function assistantContent(message: Record<string, unknown>, param: string): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  const reasoning = optionalString(message.reasoning_content, `${param}.reasoning_content`);
  if (reasoning) parts.push({ type: 'thinking', text: reasoning });
  if (message.content !== undefined && message.content !== null)
    parts.push(...textOf(message.content, `${param}.content`));
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    requiredArray(message.tool_calls, `${param}.tool_calls`).forEach((call, index) => {
      const where = `${param}.tool_calls[${index}]`;
      const record = requiredRecord(call, where);
      const fn = requiredRecord(record.function, `${where}.function`);
      const { id, signature } = extractSignature(requiredString(record.id, `${where}.id`));
      const args = optionalString(fn.arguments, `${where}.function.arguments`) ?? '{}';
      parts.push({
        type: 'tool-call',
        id,
        name: requiredString(fn.name, `${where}.function.name`),
        arguments: args,
        ...(signature ? { signature } : {}),
      });
    });
  }
  return parts;
}

function decodeMessages(
  raw: unknown,
  warnings: TranslationWarning[],
): { system: TextPart[]; messages: Message[] } {
  const list = requiredArray(raw, 'messages');
  if (list.length === 0) throw invalid('messages', 'must not be empty');
  const system: TextPart[] = [];
  const messages: Message[] = [];
  list.forEach((entry, index) => {
    const param = `messages[${index}]`;
    const message = requiredRecord(entry, param);
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content, `${param}.content`);
        // Instructions before the conversation starts are the system prompt; later ones stay in place.
        if (messages.length === 0) system.push(...text);
        else messages.push({ role: 'system', content: text });
        return;
      }
      case 'user':
        messages.push({ role: 'user', content: userContent(message.content, `${param}.content`, warnings) });
        return;
      case 'assistant':
        messages.push({ role: 'assistant', content: assistantContent(message, param) });
        return;
      case 'tool': {
        const content = textOf(message.content, `${param}.content`);
        messages.push({
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: extractSignature(requiredString(message.tool_call_id, `${param}.tool_call_id`)).id,
              content,
            },
          ],
        });
        return;
      }
      default:
        throw invalid(`${param}.role`, "must be one of 'system', 'developer', 'user', 'assistant', 'tool'");
    }
  });
  return { system, messages };
}

function decodeTools(raw: unknown): ToolDefinition[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  return requiredArray(raw, 'tools').map((tool, index) => {
    const where = `tools[${index}]`;
    const record = requiredRecord(tool, where);
    if (record.type !== 'function') throw invalid(`${where}.type`, "must be 'function'");
    const fn = requiredRecord(record.function, `${where}.function`);
    const description = optionalString(fn.description, `${where}.function.description`);
    const strict = optionalBoolean(fn.strict, `${where}.function.strict`);
    return {
      name: requiredString(fn.name, `${where}.function.name`),
      parameters:
        fn.parameters === undefined
          ? { type: 'object', properties: {} }
          : requiredRecord(fn.parameters, `${where}.function.parameters`),
      ...(description !== undefined ? { description } : {}),
      ...(strict !== undefined ? { strict } : {}),
    };
  });
}

function decodeToolChoice(raw: unknown): ToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === 'auto' || raw === 'none' || raw === 'required') return raw;
  if (isRecord(raw) && raw.type === 'function' && isRecord(raw.function)) {
    return { type: 'tool', name: requiredString(raw.function.name, 'tool_choice.function.name') };
  }
  throw invalid('tool_choice', "must be 'auto', 'none', 'required' or {type:'function', function:{name}}");
}

function decodeResponseFormat(raw: unknown): ResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  const format = requiredRecord(raw, 'response_format');
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json-object' };
    case 'json_schema': {
      const spec = requiredRecord(format.json_schema, 'response_format.json_schema');
      const description = optionalString(spec.description, 'response_format.json_schema.description');
      const strict = optionalBoolean(spec.strict, 'response_format.json_schema.strict');
      return {
        type: 'json-schema',
        name: requiredString(spec.name, 'response_format.json_schema.name'),
        schema:
          spec.schema === undefined ? {} : requiredRecord(spec.schema, 'response_format.json_schema.schema'),
        ...(description !== undefined ? { description } : {}),
        ...(strict !== undefined ? { strict } : {}),
      };
    }
    default:
      throw invalid('response_format.type', "must be 'text', 'json_object' or 'json_schema'");
  }
}

function decodeStop(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return [raw];
  return requiredArray(raw, 'stop').map((value, index) => requiredString(value, `stop[${index}]`));
}

/** An OpenAI client's chat request → core. Invalid input is a 400 naming the field. */
export function decodeOpenAiChatRequest(body: unknown): Decoded<ChatRequest> {
  const json = requiredRecord(body, 'body');
  const warnings: TranslationWarning[] = [];
  const { system, messages } = decodeMessages(json.messages, warnings);
  const effort = json.reasoning_effort;
  if (effort !== undefined && effort !== null && !efforts.has(effort as ReasoningEffort)) {
    throw invalid('reasoning_effort', `must be one of ${[...efforts].map((name) => `'${name}'`).join(', ')}`);
  }
  const request: ChatRequest = {
    model: requiredString(json.model, 'model'),
    system,
    messages,
    stream: optionalBoolean(json.stream, 'stream') ?? false,
  };
  const tools = decodeTools(json.tools);
  if (tools) request.tools = tools;
  const toolChoice = decodeToolChoice(json.tool_choice);
  if (toolChoice) request.toolChoice = toolChoice;
  const assign = <K extends keyof ChatRequest>(key: K, value: ChatRequest[K] | undefined) => {
    if (value !== undefined) request[key] = value;
  };
  assign('parallelToolCalls', optionalBoolean(json.parallel_tool_calls, 'parallel_tool_calls'));
  assign('temperature', optionalNumber(json.temperature, 'temperature'));
  assign('topP', optionalNumber(json.top_p, 'top_p'));
  assign('topK', optionalInteger(json.top_k, 'top_k'));
  assign(
    'maxOutputTokens',
    optionalInteger(json.max_completion_tokens, 'max_completion_tokens') ??
      optionalInteger(json.max_tokens, 'max_tokens'),
  );
  assign('stopSequences', decodeStop(json.stop));
  assign('seed', optionalInteger(json.seed, 'seed'));
  assign('presencePenalty', optionalNumber(json.presence_penalty, 'presence_penalty'));
  assign('frequencyPenalty', optionalNumber(json.frequency_penalty, 'frequency_penalty'));
  assign('responseFormat', decodeResponseFormat(json.response_format));
  if (effort) request.reasoning = { effort: effort as ReasoningEffort };
  assign('user', optionalString(json.user, 'user'));
  assign('choiceCount', optionalInteger(json.n, 'n'));
  for (const field of Object.keys(json)) {
    if (!knownFields.has(field)) {
      warnings.push({
        type: 'unsupported-setting',
        field,
        message: `'${field}' cannot be translated and was left out`,
      });
    }
  }
  return { value: request, warnings };
}
