import type { ChatRequest } from '../core/chat-request.ts';
import { protocolNamed } from '../protocols/protocols.ts';
import type { Decoded } from '../protocols/wire-protocol.ts';
import type { RuntimeChannel } from './runtime-channel.ts';
import { unsupportedByChannel } from './unsupported-by-channel.ts';
import { withoutDocuments } from './without-documents.ts';
import type { TranslationWarning } from '../core/warning.ts';

/**
 * A core request as the channel's upstream takes it, in its protocol and with its provider's quirks.
 * Throws an `unsupported_by_channel` GatewayError for a request the channel cannot take at all (see
 * unsupportedByChannel): the failover loop then skips the channel for one that can.
 */
export function encodeForChannel(
  request: ChatRequest,
  channel: RuntimeChannel,
  model: string,
): Decoded<Record<string, unknown>> {
  const unsupported = unsupportedByChannel(request, channel);
  if (unsupported !== undefined) throw unsupported;
  const dropped: TranslationWarning[] = [];
  const sent =
    channel.provider.protocol === 'openai-chat' && !channel.provider.takesPdfFiles
      ? withoutDocuments(request, dropped)
      : request;
  const encoded = protocolNamed(channel.provider.protocol).encodeRequest(sent, model);
  encoded.warnings.push(...dropped);
  const body = encoded.value;
  if (channel.provider.maxTokensField === 'max_completion_tokens' && body.max_tokens !== undefined) {
    body.max_completion_tokens = body.max_tokens;
    delete body.max_tokens;
  }
  const maxStop = channel.provider.maxStopSequences;
  if (maxStop !== undefined && Array.isArray(body.stop) && body.stop.length > maxStop) {
    body.stop = body.stop.slice(0, maxStop);
    encoded.warnings.push({
      type: 'changed-value',
      field: 'stop',
      message: `The provider takes at most ${maxStop} stop sequences; the rest were dropped`,
    });
  }
  return encoded;
}
