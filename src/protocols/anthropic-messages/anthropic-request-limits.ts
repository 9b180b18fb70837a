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
