import { googleErrorBody } from './google-error.ts';
import { isObject, type JsonObject } from './json.ts';
import type { RequestProblem } from './mock-protocol.ts';

/**
 * The cheap part of the Gemini API's request validation, with its error messages. First what its
 * proto parser refuses (fields it does not know, at the paths it names them by: snake_case,
 * `properties[i].value` for map entries), then the checks on `contents` a translation most often
 * trips. Undefined for a request that passes.
 */
export function geminiRequestProblem(body: JsonObject, model: string): RequestProblem | undefined {
  const violations: FieldViolation[] = [];
  const generationConfig = body.generationConfig ?? body.generation_config;
  checkFields(body, requestFields, '', violations);
  checkFields(generationConfig, generationConfigFields, 'generation_config', violations);
  checkTools(body.tools, violations);
  if (isObject(generationConfig)) {
    const schema = generationConfig.responseSchema ?? generationConfig.response_schema;
    if (isObject(schema)) checkSchema(schema, 'generation_config.response_schema', violations);
  }
  if (violations.length > 0) {
    const details = [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: violations.map(({ field, description }) =>
          field === '' ? { description } : { field, description },
        ),
      },
    ];
    const message = violations.map((violation) => violation.description).join('\n');
    return { status: 400, body: googleErrorBody(400, message, details) };
  }
  const message =
    thinkingBudgetProblem(generationConfig, model) ??
    functionNameProblem(body.tools) ??
    contentsProblem(body.contents, model);
  return message === undefined ? undefined : { status: 400, body: googleErrorBody(400, message) };
}

/**
 * The thinking budgets Gemini models take (ai.google.dev/gemini-api/docs/thinking): 2.5 Pro 128 to
 * 32,768, 2.5 Flash up to 24,576, 2.5 Flash-Lite 512 to 24,576; -1 is dynamic thinking, and 0 turns
 * thinking off except on 2.5 Pro and Gemini 3 Pro, which only work in thinking mode.
 */
const thinkingModels: readonly {
  pattern: RegExp;
  budgets?: { min: number; max: number };
  canTurnOff: boolean;
}[] = [
  { pattern: /^gemini-2\.5-pro/, budgets: { min: 128, max: 32_768 }, canTurnOff: false },
  { pattern: /^gemini-2\.5-flash-lite/, budgets: { min: 512, max: 24_576 }, canTurnOff: true },
  { pattern: /^gemini-2\.5-flash/, budgets: { min: 1, max: 24_576 }, canTurnOff: true },
  { pattern: /^gemini-3(\.\d+)?-pro/, canTurnOff: false },
];

/** A thinking budget the model refuses, in the API's words. */
function thinkingBudgetProblem(generationConfig: unknown, model: string): string | undefined {
  if (!isObject(generationConfig)) return undefined;
  const thinking = generationConfig.thinkingConfig ?? generationConfig.thinking_config;
  if (!isObject(thinking)) return undefined;
  const budget = thinking.thinkingBudget ?? thinking.thinking_budget;
  const limits = thinkingModels.find(({ pattern }) => pattern.test(model));
  if (typeof budget !== 'number' || budget === -1 || limits === undefined) return undefined;
  if (budget === 0) {
    return limits.canTurnOff ? undefined : 'Budget 0 is invalid. This model only works in thinking mode.';
  }
  const range = limits.budgets;
  if (range === undefined || (budget >= range.min && budget <= range.max)) return undefined;
  return `The thinking budget ${budget} is invalid. Please choose a value between ${range.min} and ${range.max}.`;
}

interface FieldViolation {
  field: string;
  description: string;
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

// Field names in snake_case; the API takes each in camelCase too.
const requestFields = new Set([
  'model',
  'contents',
  'tools',
  'tool_config',
  'safety_settings',
  'system_instruction',
  'generation_config',
  'cached_content',
  'labels',
  'service_tier',
]);
const generationConfigFields = new Set([
  'stop_sequences',
  'response_mime_type',
  'response_schema',
  'response_json_schema',
  '_response_json_schema',
  'response_modalities',
  'candidate_count',
  'max_output_tokens',
  'temperature',
  'top_p',
  'top_k',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_logprobs',
  'logprobs',
  'enable_enhanced_civic_answers',
  'speech_config',
  'thinking_config',
  'image_config',
  'media_resolution',
  'routing_config',
  'audio_timestamp',
]);
const functionDeclarationFields = new Set([
  'name',
  'description',
  'parameters',
  'parameters_json_schema',
  'response',
  'response_json_schema',
  'behavior',
]);
// The OpenAPI subset Gemini's `Schema` message has; JSON Schema's other keywords are unknown fields
// (`parametersJsonSchema` / `responseJsonSchema` take full JSON Schema and are not checked).
const schemaFields = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'max_items',
  'min_items',
  'properties',
  'required',
  'min_properties',
  'max_properties',
  'min_length',
  'max_length',
  'pattern',
  'example',
  'any_of',
  'property_ordering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

function unknownField(name: string, path: string, reason = 'Cannot find field.'): FieldViolation {
  const at = path === '' ? '' : ` at '${path}'`;
  return {
    field: path,
    description: `Invalid JSON payload received. Unknown name "${name}"${at}: ${reason}`,
  };
}

function checkFields(value: unknown, known: Set<string>, path: string, violations: FieldViolation[]): void {
  if (!isObject(value)) return;
  for (const name of Object.keys(value)) {
    if (!known.has(snakeCase(name))) violations.push(unknownField(name, path));
  }
}

function checkTools(tools: unknown, violations: FieldViolation[]): void {
  if (!Array.isArray(tools)) return;
  tools.forEach((tool: unknown, toolIndex) => {
    if (!isObject(tool)) return;
    const declarations = tool.functionDeclarations ?? tool.function_declarations;
    if (!Array.isArray(declarations)) return;
    declarations.forEach((declaration: unknown, index) => {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      checkFields(declaration, functionDeclarationFields, path, violations);
      if (isObject(declaration) && isObject(declaration.parameters)) {
        checkSchema(declaration.parameters, `${path}.parameters`, violations);
      }
    });
  });
}

/**
 * A declared function's name must start with a letter or an underscore and hold only letters,
 * digits, `_`, `.`, `:` and `-`, at most 64 (FunctionDeclaration.name); the message is the API's.
 */
function functionNameProblem(tools: unknown): string | undefined {
  const problems: string[] = [];
  (Array.isArray(tools) ? tools : []).forEach((tool: unknown, toolIndex) => {
    const declarations = isObject(tool) ? (tool.functionDeclarations ?? tool.function_declarations) : [];
    (Array.isArray(declarations) ? declarations : []).forEach((declaration: unknown, index) => {
      const name = isObject(declaration) ? declaration.name : undefined;
      if (typeof name !== 'string' || /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(name)) return;
      problems.push(
        `* GenerateContentRequest.tools[${toolIndex}].function_declarations[${index}].name: Invalid ` +
          'function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, ' +
          '0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n',
      );
    });
  });
  return problems.length > 0 ? problems.join('') : undefined;
}

function checkSchema(schema: JsonObject, path: string, violations: FieldViolation[]): void {
  for (const [name, value] of Object.entries(schema)) {
    const field = snakeCase(name);
    if (!schemaFields.has(field)) {
      violations.push(unknownField(name, path));
    } else if (field === 'type' && Array.isArray(value)) {
      violations.push(unknownField(name, path, 'Proto field is not repeating, cannot start list.'));
    } else if (field === 'properties' && isObject(value)) {
      Object.values(value).forEach((child, index) => {
        if (isObject(child)) checkSchema(child, `${path}.properties[${index}].value`, violations);
      });
    } else if (field === 'items' && isObject(value)) {
      checkSchema(value, `${path}.items`, violations);
    } else if (field === 'any_of' && Array.isArray(value)) {
      value.forEach((child: unknown, index) => {
        if (isObject(child)) checkSchema(child, `${path}.any_of[${index}]`, violations);
      });
    }
  }
}

function partsOf(content: unknown): JsonObject[] {
  if (!isObject(content) || !Array.isArray(content.parts)) return [];
  return content.parts.filter(isObject);
}

function isUserTurn(content: unknown): boolean {
  return isObject(content) && (content.role === undefined || content.role === 'user');
}

function contentsProblem(contents: unknown, model: string): string | undefined {
  if (!Array.isArray(contents) || contents.length === 0) {
    return '* GenerateContentRequest.contents: contents is not specified\n';
  }
  let previousCalls = 0;
  let previousIsModel = false;
  for (let index = 0; index < contents.length; index++) {
    const content: unknown = contents[index];
    const role = isObject(content) ? content.role : undefined;
    if (role !== undefined && role !== 'user' && role !== 'model')
      return 'Please use a valid role: user, model.';
    const parts = partsOf(content);
    if (parts.length === 0) {
      return `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`;
    }
    const calls = parts.filter((part) => isObject(part.functionCall ?? part.function_call)).length;
    const responses = parts.filter((part) =>
      isObject(part.functionResponse ?? part.function_response),
    ).length;
    if (responses > 0) {
      if (previousCalls === 0) {
        return 'Please ensure that function response turn comes immediately after a function call turn.';
      }
      if (responses !== previousCalls) {
        return (
          'Please ensure that the number of function response parts is equal to the number of function ' +
          'call parts of the function call turn.'
        );
      }
    }
    if (calls > 0 && (index === 0 || previousIsModel)) {
      return 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.';
    }
    previousCalls = role === 'model' ? calls : 0;
    previousIsModel = role === 'model';
  }
  return model.startsWith('gemini-3') ? thoughtSignatureProblem(contents) : undefined;
}

/**
 * Gemini 3 refuses a function call of the current turn (since the last user text) that comes back
 * without the `thoughtSignature` it was sent with: the first call of each model step needs one.
 */
function thoughtSignatureProblem(contents: unknown[]): string | undefined {
  let turnStart = 0;
  contents.forEach((content, index) => {
    if (isUserTurn(content) && partsOf(content).some((part) => typeof part.text === 'string')) {
      turnStart = index;
    }
  });
  for (let index = turnStart + 1; index < contents.length; index++) {
    const content = contents[index];
    if (isUserTurn(content)) continue;
    const call = partsOf(content).find((part) => isObject(part.functionCall ?? part.function_call));
    if (call === undefined || typeof (call.thoughtSignature ?? call.thought_signature) === 'string') continue;
    const functionCall = call.functionCall ?? call.function_call;
    const name = isObject(functionCall) && typeof functionCall.name === 'string' ? functionCall.name : '';
    return (
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to ' +
      'work correctly, and missing thought_signature may lead to degraded model performance. Additional ' +
      `data, function call \`default_api:${name}\` , position ${index + 1}. Please refer to ` +
      'https://ai.google.dev/gemini-api/docs/thought-signatures for more details.'
    );
  }
  return undefined;
}
