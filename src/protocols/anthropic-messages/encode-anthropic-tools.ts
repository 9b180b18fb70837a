import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/chat-request.ts';
import type { TranslationWarning } from '../../core/warning.ts';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-wire-types.ts';

/** Anthropic requires `input_schema.type: 'object'`; OpenAI clients may send `parameters: {}`. */
function toInputSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  return parameters.type === undefined ? { type: 'object', properties: {}, ...parameters } : parameters;
}

function toAnthropicTool(tool: ToolDefinition, index: number, warnings: TranslationWarning[]): AnthropicTool {
  if (tool.strict) {
    // Strict tool schemas need a beta header on Anthropic; the tool still works without them.
    warnings.push({
      type: 'unsupported-setting',
      field: `tools[${index}].strict`,
      message: 'strict tool schemas are not sent to Anthropic',
    });
  }
  const out: AnthropicTool = { name: tool.name, input_schema: toInputSchema(tool.parameters) };
  if (tool.description !== undefined) out.description = tool.description;
  return out;
}

function toAnthropicToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: choice.name };
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'required':
      return { type: 'any' };
    case 'none':
      return { type: 'none' };
    default: {
      const unreachable: never = choice;
      throw new Error(`unknown tool choice ${String(unreachable)}`);
    }
  }
}

export interface EncodedTools {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

/**
 * Tools, `tool_choice` and parallel calls. Without tools no `tool_choice` is sent (Anthropic has
 * nothing to choose from). `parallelToolCalls: false` is `disable_parallel_tool_use: true`, which
 * lives inside `tool_choice`, so it brings an `auto` choice along when none was set.
 */
export function encodeAnthropicTools(request: ChatRequest, warnings: TranslationWarning[]): EncodedTools {
  if (request.tools === undefined || request.tools.length === 0) {
    if (request.toolChoice !== undefined && request.toolChoice !== 'none' && request.toolChoice !== 'auto') {
      warnings.push({ type: 'unsupported-setting', field: 'toolChoice', message: 'no tools given; ignored' });
    }
    return {};
  }
  const tools = request.tools.map((tool, index) => toAnthropicTool(tool, index, warnings));
  let choice = request.toolChoice === undefined ? undefined : toAnthropicToolChoice(request.toolChoice);
  if (choice === undefined && request.parallelToolCalls === false) choice = { type: 'auto' };
  if (choice !== undefined && choice.type !== 'none' && request.parallelToolCalls !== undefined) {
    choice.disable_parallel_tool_use = !request.parallelToolCalls;
  }
  return choice === undefined ? { tools } : { tools, tool_choice: choice };
}
