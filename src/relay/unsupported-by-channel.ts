import type { ChatRequest } from '../core/chat-request.ts';
import type { ImagePart } from '../core/content-part.ts';
import { GatewayError, isGatewayError } from '../core/gateway-error.ts';
import { imageOnlyGeminiTakes } from './image-only-gemini-takes.ts';
import type { RuntimeChannel } from './runtime-channel.ts';

/** Every image of the request the upstream would read: in user turns and in tool results. */
function* imagesOf(request: ChatRequest): Generator<ImagePart> {
  for (const message of request.messages) {
    const parts =
      message.role === 'user'
        ? message.content
        : message.role === 'tool'
          ? message.content.flatMap((result) => result.content)
          : [];
    for (const part of parts) if (part.type === 'image') yield part;
  }
}

/**
 * Why the channel cannot take the request at all, or undefined when it can. Such a request is not
 * sent to it: the upstream would answer 400 about fields the client never wrote, and leaving the
 * part out would answer a question about an image the model never saw. The failover loop skips the
 * channel (no call, no verdict on its health) for one that can take it; only when none can does
 * the client get this 400, with what to change.
 *
 * Today: images only Gemini can read (see imageOnlyGeminiTakes), for OpenAI-format and Anthropic
 * channels. Decided on the core request, so it applies to translated requests only; Gemini's own
 * countTokens, and a client's request to an upstream of its own format, are left as they are.
 */
export function unsupportedByChannel(
  request: ChatRequest,
  channel: RuntimeChannel,
): GatewayError | undefined {
  if (channel.provider.protocol === 'gemini') return undefined;
  for (const image of imagesOf(request)) {
    const reason = imageOnlyGeminiTakes(image);
    if (reason === undefined) continue;
    return new GatewayError(
      400,
      'unsupported_by_channel',
      `No channel of this model can take the request: ${reason}`,
    );
  }
  return undefined;
}

/** Whether an error says a channel cannot take the request (rather than that the request is bad). */
export const isUnsupportedByChannel = (error: unknown): error is GatewayError =>
  isGatewayError(error) && error.code === 'unsupported_by_channel';
