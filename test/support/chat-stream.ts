import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

/**
 * An OpenAI SDK chat stream read to its end: the text of its first choice, and what the SDK raised
 * (undefined when the stream ended cleanly). What came before an error is kept.
 */
export async function readChatStream(
  stream: AsyncIterable<ChatCompletionChunk>,
): Promise<{ text: string; failure: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  } catch (caught) {
    return { text, failure: caught };
  }
  return { text, failure: undefined };
}

/** The text of a stream that must end cleanly (its error, if it has one, is thrown). */
export async function chatStreamText(stream: AsyncIterable<ChatCompletionChunk>): Promise<string> {
  const { text, failure } = await readChatStream(stream);
  if (failure !== undefined) throw failure;
  return text;
}
