import type { ToolChoice, ToolDefinition } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import { invalid, optionalString, requiredRecord, requiredString } from '../request-checks.ts';
import { geminiField, optionalArray, optionalRecord, optionalStringArray } from './gemini-field.ts';
import { geminiSchemaToJsonSchema } from './gemini-schema-to-json-schema.ts';
import type { GeminiFunctionCallingMode } from './gemini-wire-types.ts';

const modes: readonly string[] = ['AUTO', 'ANY', 'NONE', 'VALIDATED', 'MODE_UNSPECIFIED'];
const isMode = (value: string): value is GeminiFunctionCallingMode => modes.includes(value);

function decodeDeclaration(raw: unknown, param: string): ToolDefinition {
  const declaration = requiredRecord(raw, param);
  const name = requiredString(geminiField(declaration, 'name'), `${param}.name`);
  const description = optionalString(geminiField(declaration, 'description'), `${param}.description`);
  // `parametersJsonSchema` is plain JSON Schema; `parameters` is Gemini's OpenAPI subset.
  const jsonSchema = optionalRecord(
    geminiField(declaration, 'parametersJsonSchema'),
    `${param}.parametersJsonSchema`,
  );
  const schema = optionalRecord(geminiField(declaration, 'parameters'), `${param}.parameters`);
  const parameters = jsonSchema ??
    (schema ? geminiSchemaToJsonSchema(schema) : undefined) ?? { type: 'object', properties: {} };
  return { name, parameters, ...(description !== undefined ? { description } : {}) };
}

function decodeToolChoice(
  body: Record<string, unknown>,
  warnings: TranslationWarning[],
): { choice?: ToolChoice; allowed?: string[] } {
  const toolConfig = optionalRecord(geminiField(body, 'toolConfig'), 'toolConfig');
  const param = 'toolConfig.functionCallingConfig';
  const config = toolConfig && optionalRecord(geminiField(toolConfig, 'functionCallingConfig'), param);
  if (!config) return {};
  const mode =
    optionalString(geminiField(config, 'mode'), `${param}.mode`)?.toUpperCase() ?? 'MODE_UNSPECIFIED';
  const allowed = optionalStringArray(
    geminiField(config, 'allowedFunctionNames'),
    `${param}.allowedFunctionNames`,
  );
  if (!isMode(mode)) throw invalid(`${param}.mode`, 'must be AUTO, ANY, NONE or VALIDATED');
  switch (mode) {
    case 'MODE_UNSPECIFIED':
    case 'AUTO':
      if (allowed?.length) {
        warnings.push({
          type: 'unsupported-setting',
          field: `${param}.allowedFunctionNames`,
          message: 'allowedFunctionNames applies to mode ANY only; ignored',
        });
      }
      return mode === 'AUTO' ? { choice: 'auto' } : {};
    case 'ANY':
      // One allowed name forces that tool; several restrict the tools to those (the same meaning).
      if (allowed?.length === 1) return { choice: { type: 'tool', name: allowed[0]! } };
      return { choice: 'required', ...(allowed?.length ? { allowed } : {}) };
    case 'NONE':
      return { choice: 'none' };
    case 'VALIDATED':
      warnings.push({
        type: 'changed-value',
        field: `${param}.mode`,
        message: 'Mode VALIDATED was sent as AUTO: calls are not checked against the schemas',
      });
      return { choice: 'auto', ...(allowed?.length ? { allowed } : {}) };
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown mode ${String(unreachable)}`);
    }
  }
}

/**
 * A Gemini client's `tools` and `toolConfig` as core tools and tool choice. Only function
 * declarations translate; Google's own tools (search, code execution, URL context, …) are dropped
 * with a warning each.
 */
export function decodeGeminiTools(
  body: Record<string, unknown>,
  warnings: TranslationWarning[],
): { tools?: ToolDefinition[]; toolChoice?: ToolChoice } {
  const rawTools = optionalArray(geminiField(body, 'tools'), 'tools') ?? [];
  let tools: ToolDefinition[] = [];
  for (const [index, raw] of rawTools.entries()) {
    const tool = requiredRecord(raw, `tools[${index}]`);
    for (const key of Object.keys(tool)) {
      if (key === 'functionDeclarations' || key === 'function_declarations') continue;
      warnings.push({
        type: 'unsupported-tool',
        field: `tools[${index}].${key}`,
        message: `Google's built-in tool '${key}' is not available through this channel; dropped`,
      });
    }
    const param = `tools[${index}].functionDeclarations`;
    const declarations = optionalArray(geminiField(tool, 'functionDeclarations'), param) ?? [];
    tools.push(...declarations.map((declaration, at) => decodeDeclaration(declaration, `${param}[${at}]`)));
  }
  const { choice, allowed } = decodeToolChoice(body, warnings);
  if (allowed) tools = tools.filter((tool) => allowed.includes(tool.name));
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(choice !== undefined ? { toolChoice: choice } : {}),
  };
}
