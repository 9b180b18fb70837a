import type { ChatResponse } from './chat-response.ts';
import type { StreamEvent } from './stream-event.ts';

/**
 * A whole response as the stream that would have carried it, the inverse of foldStreamEvents: the
 * start, the usage (formats that report input tokens up front need it before the content), each
 * part as one delta (a tool call as its start, arguments and end), the finish, and the usage again
 * (formats that report it last). For an upstream that answered a streamed request whole.
 */
export function responseStreamEvents(response: ChatResponse): StreamEvent[] {
  const events: StreamEvent[] = [
    { type: 'message-start', id: response.id, model: response.model, created: response.created },
  ];
  if (response.usage) events.push({ type: 'usage', usage: response.usage });
  let toolIndex = 0;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        events.push({ type: 'text-delta', text: part.text });
        break;
      case 'thinking':
        events.push({
          type: 'thinking-delta',
          text: part.text,
          ...(part.signature !== undefined ? { signature: part.signature } : {}),
          ...(part.signatureSource !== undefined ? { signatureSource: part.signatureSource } : {}),
          ...(part.redactedData !== undefined ? { redactedData: part.redactedData } : {}),
        });
        break;
      case 'tool-call': {
        const index = toolIndex++;
        events.push({
          type: 'tool-call-start',
          index,
          id: part.id,
          name: part.name,
          ...(part.signature !== undefined ? { signature: part.signature } : {}),
        });
        if (part.arguments !== '')
          events.push({ type: 'tool-call-delta', index, argumentsDelta: part.arguments });
        events.push({ type: 'tool-call-end', index });
        break;
      }
      default: {
        const unreachable: never = part;
        throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
      }
    }
  }
  events.push({ type: 'finish', reason: response.finishReason });
  if (response.usage) events.push({ type: 'usage', usage: response.usage });
  return events;
}
