/**
 * A whole OpenAI chat completion as the chunks that would have streamed it, every choice kept (an
 * upstream that answered a streamed request with `n` above 1 whole): per choice, its message as one
 * delta (tool calls numbered as streams number them), then each choice's finish, then, when the
 * client asked for it, the usage-only chunk, and `[DONE]`. Built from the upstream's own JSON, so
 * nothing of a choice is lost to the one-choice core types.
 */
export function openAiWholeAsChunks(completion: Record<string, unknown>, includeUsage: boolean): string {
  const envelope: Record<string, unknown> = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
  };
  if (completion.service_tier !== undefined) envelope.service_tier = completion.service_tier;
  if (completion.system_fingerprint !== undefined)
    envelope.system_fingerprint = completion.system_fingerprint;
  const usageMember = includeUsage ? { usage: null } : {};
  const frame = (members: Record<string, unknown>): string =>
    `data: ${JSON.stringify({ ...envelope, ...members })}\n\n`;
  const choices = (Array.isArray(completion.choices) ? completion.choices : []).filter(
    (choice): choice is Record<string, unknown> => typeof choice === 'object' && choice !== null,
  );
  const indexOf = (choice: Record<string, unknown>, at: number): unknown => choice.index ?? at;
  let out = '';
  choices.forEach((choice, at) => {
    const message =
      typeof choice.message === 'object' && choice.message !== null
        ? (choice.message as Record<string, unknown>)
        : {};
    const delta: Record<string, unknown> = { ...message, role: message.role ?? 'assistant' };
    if (Array.isArray(message.tool_calls)) {
      delta.tool_calls = message.tool_calls.map((call: unknown, index) =>
        typeof call === 'object' && call !== null ? { index, ...call } : call,
      );
    }
    const choiceDelta = {
      index: indexOf(choice, at),
      delta,
      logprobs: choice.logprobs ?? null,
      finish_reason: null,
    };
    out += frame({ choices: [choiceDelta], ...usageMember });
  });
  choices.forEach((choice, at) => {
    const finish = {
      index: indexOf(choice, at),
      delta: {},
      logprobs: null,
      finish_reason: choice.finish_reason ?? 'stop',
    };
    out += frame({ choices: [finish], ...usageMember });
  });
  if (includeUsage && completion.usage !== undefined) out += frame({ choices: [], usage: completion.usage });
  return `${out}data: [DONE]\n\n`;
}
