import type { ChatRequest } from '../core/chat-request.ts';
import { encodeForChannel } from '../relay/encode-for-channel.ts';
import { upstreamModel, type RuntimeChannel } from '../relay/runtime-channel.ts';
import type { UpstreamClient } from '../relay/upstream-client.ts';
import { classifyUpstreamError } from '../relay/upstream-failure.ts';
import { upstreamPath } from '../relay/upstream-path.ts';
import { isAuthFailure, upstreamErrorMessage } from './auth-failure.ts';

export interface ChannelTestResult {
  success: boolean;
  /** From sending the request to the end of the answer. */
  latencyMs: number;
  /** The upstream's HTTP status; 0 when no answer came. */
  status: number;
  /** `ok`, or what went wrong, in the upstream's own words where it gave some (admins only). */
  message: string;
  /** The upstream refused the channel's credentials. */
  authFailure: boolean;
}

/** The smallest real request: one word in, one token out, no stream. */
const probeRequest = (model: string): ChatRequest => ({
  model,
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }],
  stream: false,
  maxOutputTokens: 1,
});

/** A 2xx body that is an error envelope anyway (some upstreams answer failures with a 200). */
function isErrorEnvelope(text: string): boolean {
  try {
    const json = JSON.parse(text) as Record<string, unknown> | null;
    return typeof json === 'object' && json !== null && (json.error != null || json.type === 'error');
  } catch {
    return true;
  }
}

/**
 * Sends one tiny chat request through the channel, in its own protocol, to its first model (mapped
 * by its model map), and says whether a real answer came back.
 */
export async function testChannel(
  upstream: UpstreamClient,
  channel: RuntimeChannel,
  timeoutMs: number,
): Promise<ChannelTestResult> {
  const listed = channel.models.values().next().value;
  if (listed === undefined) {
    return {
      success: false,
      latencyMs: 0,
      status: 0,
      message: 'The channel lists no model',
      authFailure: false,
    };
  }
  const model = upstreamModel(channel, listed);
  const body = JSON.stringify(encodeForChannel(probeRequest(model), channel, model).value);
  const startedAt = performance.now();
  const call = upstream.start({
    origin: channel.origin,
    path: upstreamPath(channel, model, false),
    headers: channel.headers,
    body,
  });
  const timer = setTimeout(() => call.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const elapsed = () => Math.round(performance.now() - startedAt);
  try {
    await call.responded;
    const text = (await call.buffer()).toString('utf8');
    const { status } = call;
    if (status >= 200 && status < 300 && !isErrorEnvelope(text)) {
      return { success: true, latencyMs: elapsed(), status, message: 'ok', authFailure: false };
    }
    return {
      success: false,
      latencyMs: elapsed(),
      status,
      message: `${status}: ${upstreamErrorMessage(text)}`,
      authFailure: isAuthFailure(status, text),
    };
  } catch (error) {
    const reason =
      error instanceof Error && error.message.startsWith('no answer within') ? error.message : undefined;
    return {
      success: false,
      latencyMs: elapsed(),
      status: call.status,
      message: reason ?? classifyUpstreamError(error).error.message,
      authFailure: false,
    };
  } finally {
    clearTimeout(timer);
  }
}
