import type { ChatResponse } from './chat-response.ts';
import type { AssistantContentPart } from './content-part.ts';
import type { StreamEvent } from './stream-event.ts';

/**
 * A stream's events folded into the response they describe: consecutive deltas of one kind join
 * into one part, tool calls gather their argument pieces. Used to compare a stream with the whole
 * response it should equal, and to know what a cut stream had produced.
 */
export function foldStreamEvents(events: readonly StreamEvent[]): ChatResponse {
  const response: ChatResponse = {
    id: '',
    model: '',
    created: 0,
    content: [],
    finishReason: { unified: 'other', raw: '' },
    usage: undefined,
  };
  const tools = new Map<number, Extract<AssistantContentPart, { type: 'tool-call' }>>();
  const last = () => response.content.at(-1);
  for (const event of events) {
    switch (event.type) {
      case 'message-start':
        response.id = event.id;
        response.model = event.model;
        response.created = event.created;
        break;
      case 'text-delta': {
        const part = last();
        if (part?.type === 'text') part.text += event.text;
        else response.content.push({ type: 'text', text: event.text });
        break;
      }
      case 'thinking-delta': {
        const part = last();
        if (part?.type === 'thinking' && part.signature === undefined && !event.redactedData) {
          part.text += event.text;
          if (event.signature) {
            part.signature = event.signature;
            if (event.signatureSource) part.signatureSource = event.signatureSource;
          }
        } else {
          response.content.push({
            type: 'thinking',
            text: event.text,
            ...(event.signature ? { signature: event.signature } : {}),
            ...(event.signature && event.signatureSource ? { signatureSource: event.signatureSource } : {}),
            ...(event.redactedData ? { redactedData: event.redactedData } : {}),
          });
        }
        break;
      }
      case 'tool-call-start': {
        const call = {
          type: 'tool-call' as const,
          id: event.id,
          name: event.name,
          arguments: '',
          ...(event.signature ? { signature: event.signature } : {}),
        };
        tools.set(event.index, call);
        response.content.push(call);
        break;
      }
      case 'tool-call-delta': {
        const call = tools.get(event.index);
        if (call) call.arguments += event.argumentsDelta;
        break;
      }
      case 'tool-call-end':
        break;
      case 'usage':
        response.usage = event.usage;
        break;
      case 'finish':
        response.finishReason = event.reason;
        break;
      case 'error':
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${String(unreachable)}`);
      }
    }
  }
  return response;
}
