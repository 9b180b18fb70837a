import type { ChatRequest } from '../core/chat-request.ts';
import type { Message } from '../core/message.ts';
import type { TranslationWarning } from '../core/warning.ts';

const isDocument = (part: { type: string }): boolean => part.type === 'document';

/**
 * The request without its PDF documents, in user messages and tool results, for an OpenAI-format
 * provider that takes no `file` parts (most compatible providers, Azure's default API version):
 * sent, the document would make it refuse the whole request. Each document left out is a warning,
 * never a silent drop.
 */
export function withoutDocuments(request: ChatRequest, warnings: TranslationWarning[]): ChatRequest {
  let dropped = 0;
  const messages = request.messages.map((message): Message => {
    switch (message.role) {
      case 'user': {
        if (!message.content.some(isDocument)) return message;
        const content = message.content.filter((part) => !isDocument(part));
        dropped += message.content.length - content.length;
        return { ...message, content };
      }
      case 'tool': {
        if (!message.content.some((result) => result.content.some(isDocument))) return message;
        const content = message.content.map((result) => {
          const kept = result.content.filter((part) => !isDocument(part));
          dropped += result.content.length - kept.length;
          return { ...result, content: kept };
        });
        return { ...message, content };
      }
      default:
        return message;
    }
  });
  if (dropped === 0) return request;
  warnings.push({
    type: 'unsupported-content',
    field: 'messages',
    message: `This provider takes no PDF files; ${dropped === 1 ? 'a document was' : `${dropped} documents were`} left out`,
  });
  return { ...request, messages };
}
