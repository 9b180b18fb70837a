import { estimateTokens } from './estimate-tokens.ts';
import type { ChatReply, EchoReply } from './mock-reply.ts';
import type { ChatRequestView, ResolvedChat } from './mock-protocol.ts';

/** The content of an `echo` reply for a request. */
export function echoContent(request: ChatRequestView): string {
  return `echo: ${request.lastUserText}`;
}

/**
 * Fills in a `chat` or `echo` reply's defaults from the request: model, content, stream chunk count
 * and, when the reply gives none, usage estimated from text lengths (prompt: all message text, at
 * least 1; completion: content, reasoning and tool calls; reasoning: the reasoning text).
 */
export function resolveChatReply(
  reply: ChatReply | EchoReply,
  request: ChatRequestView,
  defaultChunks: number,
): ResolvedChat {
  const chat: ChatReply =
    reply.kind === 'echo' ? { ...reply, kind: 'chat', content: echoContent(request) } : reply;
  const toolCalls = (chat.toolCalls ?? []).map((call) => ({
    id: call.id,
    name: call.name,
    arguments: call.arguments,
    thoughtSignature: call.thoughtSignature,
  }));
  let completionText = (chat.content ?? '') + (chat.reasoningContent ?? '');
  for (const call of toolCalls) completionText += call.name + call.arguments;
  const usage = chat.usage;
  return {
    model: chat.model ?? request.model,
    content: chat.content,
    reasoningContent: chat.reasoningContent,
    reasoningSignature: chat.reasoningSignature,
    toolCalls,
    promptTokens: usage?.prompt_tokens ?? Math.max(1, estimateTokens(request.promptText)),
    completionTokens: usage?.completion_tokens ?? estimateTokens(completionText),
    cachedTokens: usage?.cached_tokens ?? 0,
    cacheCreationTokens: usage?.cache_creation_tokens ?? 0,
    // Scripted usage is taken as given; estimated usage counts the reasoning text.
    reasoningTokens:
      usage === undefined ? estimateTokens(chat.reasoningContent ?? '') : (usage.reasoning_tokens ?? 0),
    finishReason: chat.finishReason,
    chunks: Math.max(1, Math.floor(chat.chunks ?? defaultChunks)),
  };
}
