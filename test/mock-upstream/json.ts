export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A scripted tool call's arguments as the object Anthropic (`input`) and Gemini (`args`) send.
 * Throws on text that is not a JSON object: those formats cannot carry it, so the script is wrong.
 */
export function parseToolArguments(name: string, text: string): JsonObject {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) {
    throw new Error(`tool call ${name}: arguments must be a JSON object for this format, got ${text}`);
  }
  return value;
}
