/**
 * What an API key may be used for. `llm-all` covers every other scope; the rest each open one kind
 * of relay route (chat also covers token counting).
 */
export const keyScopes = ['llm-all', 'llm-chat', 'llm-images', 'llm-audio', 'llm-embeddings'] as const;

export type KeyScope = (typeof keyScopes)[number];

export const isKeyScope = (value: string): value is KeyScope =>
  (keyScopes as readonly string[]).includes(value);
