export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** Why generation ended: our classification, and the provider's own word for it. */
export interface FinishReason {
  unified: UnifiedFinishReason;
  raw: string;
}
