import type { JsonObject } from './json.ts';
import type { RequestProblem } from './mock-protocol.ts';

/**
 * The cheap part of Chat Completions' request validation, with the API's messages, `param` and
 * `code`: the checks a translation from another format most often trips. Undefined for a request
 * that passes.
 */
export function openAIChatRequestProblem(body: JsonObject): RequestProblem | undefined {
  return toolSettingsProblem(body) ?? stopProblem(body);
}

function invalidRequest(message: string, param: string, code: string | null = null): RequestProblem {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

/** `tool_choice` and `parallel_tool_calls` are refused when the request declares no tools. */
function toolSettingsProblem(body: JsonObject): RequestProblem | undefined {
  if (Array.isArray(body.tools) && body.tools.length > 0) return undefined;
  for (const param of ['tool_choice', 'parallel_tool_calls']) {
    if (body[param] === undefined || body[param] === null) continue;
    return invalidRequest(
      `Invalid value for '${param}': '${param}' is only allowed when 'tools' are specified.`,
      param,
    );
  }
  return undefined;
}

/** `stop` takes up to 4 sequences (API reference, "stop"). */
function stopProblem(body: JsonObject): RequestProblem | undefined {
  if (!Array.isArray(body.stop) || body.stop.length <= 4) return undefined;
  return invalidRequest(
    "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with " +
      `length ${body.stop.length} instead.`,
    'stop',
    'array_above_max_length',
  );
}
