/** What to embed: texts, or (OpenAI only) texts already split into token ids. */
export type EmbeddingInput = { kind: 'text'; texts: string[] } | { kind: 'tokens'; tokens: number[][] };

/** An embeddings request, whatever format it came in. */
export interface EmbeddingRequest {
  model: string;
  input: EmbeddingInput;
  /** The input was one item, not a list: one embedding call rather than a batch. */
  single: boolean;
  /** Truncate the vectors to this many dimensions (OpenAI's `dimensions`). */
  dimensions: number | undefined;
  /** How the client wants the vectors: JSON numbers, or base64 of little-endian float32s. */
  encodingFormat: 'float' | 'base64';
}
