import type { ToolChoice, ToolDefinition } from '../../core/chat-request.ts';
import type { DecodeWarnings } from './decode-warnings.ts';
import {
  invalidField,
  readArray,
  readOptionalBoolean,
  readOptionalString,
  readRecord,
  readString,
} from './read-request-values.ts';

/**
 * A client's `tools`. Anthropic's server tools (`web_search_20250305`, `bash_20250124`, …) carry a
 * versioned `type` and run on Anthropic's side; no other upstream can run them, so they are dropped
 * with a warning. Custom tools have no `type` or `type: 'custom'`.
 */
export function decodeAnthropicTools(value: unknown, warnings: DecodeWarnings): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  readArray(value, 'tools').forEach((item, index) => {
    const param = `tools[${index}]`;
    const tool = readRecord(item, param);
    const type = readOptionalString(tool.type, `${param}.type`);
    if (type !== undefined && type !== 'custom') {
      warnings.add({
        type: 'unsupported-tool',
        field: param,
        message: `the server tool '${type}' runs only on Anthropic and was dropped`,
      });
      return;
    }
    warnings.cacheControl(tool, param);
    const definition: ToolDefinition = {
      name: readString(tool.name, `${param}.name`),
      parameters: readRecord(tool.input_schema, `${param}.input_schema`),
    };
    const description = readOptionalString(tool.description, `${param}.description`);
    if (description !== undefined) definition.description = description;
    const strict = readOptionalBoolean(tool.strict, `${param}.strict`);
    if (strict !== undefined) definition.strict = strict;
    tools.push(definition);
  });
  return tools;
}

export interface DecodedToolChoice {
  toolChoice: ToolChoice;
  parallelToolCalls: boolean | undefined;
}

/** `tool_choice`: `any` is the core's `required`; `disable_parallel_tool_use` is the inverse of `parallelToolCalls`. */
export function decodeAnthropicToolChoice(value: unknown): DecodedToolChoice {
  const choice = readRecord(value, 'tool_choice');
  const disable = readOptionalBoolean(
    choice.disable_parallel_tool_use,
    'tool_choice.disable_parallel_tool_use',
  );
  const parallelToolCalls = disable === undefined ? undefined : !disable;
  const type = readString(choice.type, 'tool_choice.type');
  switch (type) {
    case 'auto':
      return { toolChoice: 'auto', parallelToolCalls };
    case 'any':
      return { toolChoice: 'required', parallelToolCalls };
    case 'none':
      return { toolChoice: 'none', parallelToolCalls };
    case 'tool':
      return {
        toolChoice: { type: 'tool', name: readString(choice.name, 'tool_choice.name') },
        parallelToolCalls,
      };
    default:
      throw invalidField('tool_choice.type', "expected 'auto', 'any', 'tool' or 'none'");
  }
}

/**
 * A choice that forces a tool dropped above (a server tool, which the Messages API lets a client
 * force by name) would tell the upstream to call a function it never received: OpenAI's
 * `tool_choice` or Gemini's `allowedFunctionNames` naming none of its tools, answered with a 400 or
 * ignored. The choice is left to the model (`auto`), with a warning.
 */
export function unforceDroppedTool(
  choice: ToolChoice,
  tools: ToolDefinition[] | undefined,
  warnings: DecodeWarnings,
): ToolChoice {
  if (typeof choice !== 'object' || tools?.some((tool) => tool.name === choice.name)) return choice;
  warnings.add({
    type: 'changed-value',
    field: 'tool_choice',
    message: `tool_choice forced '${choice.name}', a server tool that was dropped; sent as auto`,
  });
  return 'auto';
}
