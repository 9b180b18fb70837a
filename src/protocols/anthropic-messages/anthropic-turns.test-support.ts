/** Anthropic wire turns the tests build again and again, for requests sent and bodies expected. */

/** An assistant turn of `tool_use` blocks, each given as [id, name, input]. */
export const toolUseTurn = (...calls: [id: string, name: string, input: Record<string, unknown>][]) => ({
  role: 'assistant' as const,
  content: calls.map(([id, name, input]) => ({ type: 'tool_use' as const, id, name, input })),
});
