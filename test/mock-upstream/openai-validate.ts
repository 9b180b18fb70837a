import { isObject, type JsonObject } from './json.ts';
import type { RequestProblem } from './mock-protocol.ts';

/**
 * The cheap part of Chat Completions' request validation, with the API's messages, `param` and
 * `code`: the checks a translation from another format most often trips. Undefined for a request
 * that passes.
 */
export function openAIChatRequestProblem(body: JsonObject): RequestProblem | undefined {
  return (
    toolSettingsProblem(body) ??
    stopProblem(body) ??
    toolNameProblem(body) ??
    toolMessageProblem(body.messages) ??
    imageTypeProblem(body.messages)
  );
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

/**
 * Function names must match `^[a-zA-Z0-9_-]{1,64}$` ("The name of the function to be called. Must
 * be a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64."), in the
 * declared tools and in the assistant turns' tool calls alike. The message is the API's.
 */
function toolNameProblem(body: JsonObject): RequestProblem | undefined {
  const refused = (name: unknown, param: string): RequestProblem | undefined =>
    typeof name !== 'string' || /^[a-zA-Z0-9_-]{1,64}$/.test(name)
      ? undefined
      : invalidRequest(
          `Invalid '${param}': string does not match pattern. Expected a string that matches the ` +
            "pattern '^[a-zA-Z0-9_-]+$'.",
          param,
          'invalid_value',
        );
  const tools = Array.isArray(body.tools) ? body.tools : [];
  for (const [index, tool] of tools.entries()) {
    const fn: unknown = isObject(tool) ? tool.function : undefined;
    const problem = isObject(fn) ? refused(fn.name, `tools[${index}].function.name`) : undefined;
    if (problem) return problem;
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const [index, message] of messages.entries()) {
    const calls: unknown = isObject(message) ? message.tool_calls : undefined;
    for (const [at, call] of (Array.isArray(calls) ? calls : []).entries()) {
      const fn: unknown = isObject(call) ? call.function : undefined;
      const param = `messages[${index}].tool_calls[${at}].function.name`;
      const problem = isObject(fn) ? refused(fn.name, param) : undefined;
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * A `tool` message must follow the assistant message with the `tool_calls` it answers, or another
 * `tool` message: anything in between (a user message after the first of two results) is refused.
 * The misspelling is OpenAI's.
 */
function toolMessageProblem(messages: unknown): RequestProblem | undefined {
  if (!Array.isArray(messages)) return undefined;
  let answerable = false;
  for (let index = 0; index < messages.length; index++) {
    const message: unknown = messages[index];
    if (!isObject(message)) continue;
    if (message.role === 'tool' && !answerable) {
      return invalidRequest(
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        `messages.[${index}].role`,
      );
    }
    answerable =
      message.role === 'tool' ||
      (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0);
  }
  return undefined;
}

/** The image types vision takes (OpenAI's "Images and vision" guide); `image/jpg` is taken as JPEG. */
const imageTypes = ['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp'];

/**
 * An inline image of another type (HEIC, say) is refused with the API's message and code. The API
 * reads the bytes; the mock trusts the data URL's type, which is all a translation decides.
 */
function imageTypeProblem(messages: unknown): RequestProblem | undefined {
  for (const message of Array.isArray(messages) ? messages : []) {
    const content: unknown = isObject(message) ? message.content : undefined;
    for (const part of Array.isArray(content) ? content : []) {
      const image: unknown = isObject(part) && part.type === 'image_url' ? part.image_url : undefined;
      const url = isObject(image) && typeof image.url === 'string' ? image.url : '';
      const mediaType = /^data:([^;,]+)[;,]/.exec(url)?.[1]?.toLowerCase();
      if (mediaType === undefined || imageTypes.includes(mediaType)) continue;
      return {
        status: 400,
        body: {
          error: {
            message:
              "You uploaded an unsupported image. Please make sure your image has of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_image_format',
          },
        },
      };
    }
  }
  return undefined;
}
