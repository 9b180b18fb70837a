import type { ChatRequest } from '../core/chat-request.ts';
import type { TranslationWarning } from '../core/warning.ts';

/**
 * The request without its PDF documents, for an OpenAI-format provider that takes no `file` parts
 * (most compatible providers, Azure's default API version): sent, the document would make it refuse
 * the whole request. Each document left out is a warning, never a silent drop.
 */
export function withoutDocuments(request: ChatRequest, warnings: TranslationWarning[]): ChatRequest {
  let dropped = 0;
  const messages = request.messages.map((message) => {
    if (message.role !== 'user' || !message.content.some((part) => part.type === 'document')) return message;
    const content = message.content.filter((part) => part.type !== 'document');
    dropped += message.content.length - content.length;
    return { ...message, content };
  });
  if (dropped === 0) return request;
  warnings.push({
    type: 'unsupported-content',
    field: 'messages',
    message: `This provider takes no PDF files; ${dropped === 1 ? 'a document was' : `${dropped} documents were`} left out`,
  });
  return { ...request, messages };
}
