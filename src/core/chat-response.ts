import type { AssistantContentPart } from './content-part.ts';
import type { FinishReason } from './finish-reason.ts';
import type { Usage } from './usage.ts';

export interface ChatResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  content: AssistantContentPart[];
  finishReason: FinishReason;
  usage: Usage | undefined;
}
