/** Embeddings as an upstream returned them, in input order. */
export interface EmbeddingResult {
  vectors: number[][];
  /** Input tokens, when the upstream reported them. */
  inputTokens: number | undefined;
}
