import type { ToolChoice } from '../../core/chat-request.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { isRecord, readOptionalNumber } from './read-request-values.ts';

/**
 * Refusals of the Messages API that another upstream would not make: Gemini and OpenAI take a
 * temperature up to 2, and a tool choice naming no declared tool. Checked as an Anthropic client's
 * request is decoded, so a request Anthropic itself refuses is refused the same way (a 400
 * `invalid_request_error`, in Anthropic's words) by whichever channel of another format would
 * serve it. An Anthropic channel gets the body untouched and refuses it itself.
 */

const refusal = (param: string, message: string): GatewayError =>
  new GatewayError(400, 'invalid_request', message, { param });

/**
 * `temperature` "ranges from 0.0 to 1.0" (Messages API reference, `temperature`); out of that range
 * the API answers 400 `invalid_request_error` (anthropics/anthropic-sdk-python#893, where -1, once
 * let through, is now refused as well). Worded as the API words its bounds (`max_tokens: must be
 * greater than or equal to 0`, a recorded answer: aakshintala/fiber,
 * research/anthropic-messages-probe/raw/stream.json).
 */
export function readAnthropicTemperature(value: unknown): number | undefined {
  const temperature = readOptionalNumber(value, 'temperature');
  if (temperature === undefined) return undefined;
  if (temperature < 0) throw refusal('temperature', 'temperature: must be greater than or equal to 0');
  if (temperature > 1) throw refusal('temperature', 'temperature: must be less than or equal to 1');
  return temperature;
}

/** The names of the client's `tools`, server tools included (they have names too). */
function toolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool: unknown) =>
    isRecord(tool) && typeof tool.name === 'string' ? [tool.name] : [],
  );
}

/**
 * A tool choice that forces a tool needs one to force. The API refuses `any` without tools and a
 * `tool` whose name is not among them, with these messages (recorded answers of
 * api.anthropic.com: aakshintala/fiber, research/anthropic-messages-probe/raw/choice.json); `auto`
 * and `none` without tools are accepted. Another upstream would answer with the tool choice
 * dropped, or a call to a tool the client never declared.
 */
export function checkAnthropicToolChoice(choice: ToolChoice, tools: unknown): void {
  if (choice === 'required' && !(Array.isArray(tools) && tools.length > 0)) {
    throw refusal('tool_choice', 'tool_choice.any may only be specified while providing tools');
  }
  if (typeof choice === 'object' && !toolNames(tools).includes(choice.name)) {
    throw refusal('tool_choice.name', `Tool '${choice.name}' not found in provided tools`);
  }
}

/** What an extended-thinking request may set, as decoded; `toolChoice` is the client's own. */
export interface ThinkingSettings {
  maxTokens: number | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  topK: number | undefined;
  toolChoice: ToolChoice | undefined;
  /**
   * The client sent the interleaved-thinking beta (`anthropic-beta: interleaved-thinking-…`), with
   * which the budget is the whole turn's and may exceed `max_tokens` (extended thinking docs,
   * interleaved thinking).
   */
  interleaved: boolean;
}

const thinkingDocs =
  'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/**
 * Extended thinking with a budget (`thinking.type: 'enabled'`) "isn't compatible with temperature or
 * top_k modifications as well as forced tool use", takes `top_p` only "between 1 and 0.95", and
 * needs a budget of at least 1024 below `max_tokens` (Messages API, extended thinking: feature
 * compatibility, max tokens). Gemini and OpenAI take all of these with a budget. Worded as the API
 * answers: the budget floor and temperature (anthropics/claude-cookbooks,
 * extended_thinking/extended_thinking.ipynb), `max_tokens` (logancyang/obsidian-copilot#1591),
 * `top_p` (as gateways that met it quote it), `top_k` (quarkiverse/quarkus-langchain4j#1812), a forced
 * choice (mastra-ai/mastra#7507). Adaptive thinking is not checked: these are the rules of a budget.
 */
export function checkAnthropicThinking(budgetTokens: number, settings: ThinkingSettings): void {
  if (budgetTokens < 1024) {
    throw refusal(
      'thinking.budget_tokens',
      'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024',
    );
  }
  if (!settings.interleaved && settings.maxTokens !== undefined && settings.maxTokens <= budgetTokens) {
    throw refusal(
      'max_tokens',
      `\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${thinkingDocs}#max-tokens-and-context-window-size`,
    );
  }
  if (settings.temperature !== undefined && settings.temperature !== 1) {
    throw refusal(
      'temperature',
      `\`temperature\` may only be set to 1 when thinking is enabled. ${thinkingDocs}#important-considerations-when-using-extended-thinking`,
    );
  }
  if (settings.topP !== undefined && settings.topP < 0.95) {
    throw refusal('top_p', '`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled');
  }
  if (settings.topK !== undefined) {
    throw refusal(
      'top_k',
      `\`top_k\` must be unset when thinking is enabled. ${thinkingDocs}#important-considerations-when-using-extended-thinking`,
    );
  }
  if (settings.toolChoice === 'required' || typeof settings.toolChoice === 'object') {
    throw refusal('tool_choice', 'Thinking may not be enabled when tool_choice forces tool use.');
  }
}
