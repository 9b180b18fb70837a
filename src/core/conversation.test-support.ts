import type { ToolResultPart } from './content-part.ts';
import type { Message } from './message.ts';

/** Core conversation turns the encoder and decoder tests build again and again. */

/** An assistant turn calling tools, each given as [id, name, arguments as JSON]. */
export const toolCallTurn = (...calls: [id: string, name: string, args: string][]): Message => ({
  role: 'assistant',
  content: calls.map(([id, name, args]) => ({ type: 'tool-call', id, name, arguments: args })),
});

/** A tool turn answering the call `toolCallId` (with its `name` or `isError` when given). */
export const toolResultTurn = (
  toolCallId: string,
  content: ToolResultPart['content'],
  extra: Pick<ToolResultPart, 'name' | 'isError'> = {},
): Message => ({ role: 'tool', content: [{ type: 'tool-result', toolCallId, ...extra, content }] });
