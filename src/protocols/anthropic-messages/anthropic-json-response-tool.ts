/**
 * Anthropic has no `response_format`. A core request asking for JSON that follows a schema is sent
 * with one tool whose input schema is that schema, and `tool_choice` forcing it; the model's answer
 * is then the tool's input. The name is reserved so that the response decoders, which see only the
 * upstream's answer, can turn that call back into the JSON text the client asked for.
 */
export const jsonResponseToolName = 'switchboard_json_response';
