import { GatewayError } from '../../core/gateway-error.ts';
import { parseJsonBody } from '../../http/parse-json-body.ts';

/** The fields the gateway itself reads from an OpenAI chat request; everything else passes through. */
export interface OpenAiChatBody {
  json: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** The client asked for the final usage chunk itself. */
  clientWantsUsage: boolean;
}

/**
 * Parses the raw body once, at the edge, with hand-written checks (zod costs measurable time on the
 * hot path). Deeper validation is the upstream's job on the same-format path.
 */
export function parseOpenAiChatBody(raw: Buffer | undefined): OpenAiChatBody {
  const body = parseJsonBody(raw);
  if (typeof body.model !== 'string' || body.model === '') {
    throw new GatewayError(400, 'invalid_request', "'model' is required and must be a non-empty string", {
      param: 'model',
    });
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new GatewayError(400, 'invalid_request', "'messages' must be a non-empty array", {
      param: 'messages',
    });
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw new GatewayError(400, 'invalid_request', "'stream' must be a boolean", { param: 'stream' });
  }
  const options = body.stream_options;
  const clientWantsUsage =
    typeof options === 'object' &&
    options !== null &&
    (options as { include_usage?: unknown }).include_usage === true;
  return { json: body, model: body.model, stream: body.stream === true, clientWantsUsage };
}

const includeUsageMember = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The body for the upstream: the model rewritten to the channel's name for it and, on streams, usage
 * requested (the gateway meters every stream). The client's bytes are reused when nothing changes.
 */
export function upstreamOpenAiChatBody(
  parsed: OpenAiChatBody,
  raw: Buffer,
  upstreamModel: string,
): Buffer | string {
  const needsUsage = parsed.stream && !parsed.clientWantsUsage;
  if (upstreamModel === parsed.model) {
    if (!needsUsage) return raw;
    // The common stream case: splice the option in after the opening brace instead of re-serialising.
    // Safe because the parsed object has no `stream_options` key and is non-empty (it has `model`).
    if (parsed.json.stream_options === undefined) {
      const brace = raw.indexOf(0x7b);
      return Buffer.concat([raw.subarray(0, brace + 1), includeUsageMember, raw.subarray(brace + 1)]);
    }
  }
  const json: Record<string, unknown> = { ...parsed.json, model: upstreamModel };
  if (needsUsage) {
    const options =
      typeof json.stream_options === 'object' && json.stream_options !== null ? json.stream_options : {};
    json.stream_options = { ...options, include_usage: true };
  }
  return JSON.stringify(json);
}
